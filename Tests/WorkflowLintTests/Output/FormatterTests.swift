import Foundation
import TestSupport
import Testing

@testable import RGCore
@testable import WorkflowLint

/// The report formats (RGCore's formatters) on real lint findings.
@Suite struct FormatterTests {
    static let findings = [
        Diagnostic(
            file: "automation/workflows/proposal_followup.yaml", line: 3, column: 27, severity: .error,
            rule: "condition-type", message: "'>' compares a number with a string, \"quoted\"\nsecond line 100% done"),
        Diagnostic(
            file: "automation/workflows/a b,c:d.yaml", line: 1, column: 1, severity: .warning, rule: "legacy-format",
            message: "legacy workflow format"),
    ]

    static let source = "workflow: x\nversion: 1\n    when: Zoë € ok and deal.value > \"5000\"\n"

    static func context(colour: Bool = false) -> ReportContext {
        ReportContext(
            toolVersion: "0.1.0", rules: RuleCatalogue.descriptions, colour: colour,
            sourceLine: { file, line in
                file.hasSuffix("proposal_followup.yaml")
                    ? source.split(separator: "\n").map(String.init)[line - 1] : nil
            })
    }

    @Test func textIsLikeACompilerWithTheLineAndACaret() {
        let text = OutputFormat.text.formatter.render(Array(Self.findings.prefix(1)), context: Self.context())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("automation/workflows/proposal_followup.yaml:3:27: error: '>' compares"))
        // A finding is one line: a line break in its message is shown escaped.
        #expect(lines[0].hasSuffix("\"quoted\"\\nsecond line 100% done [condition-type]"))
        #expect(lines[1] == "    when: Zoë € ok and deal.value > \"5000\"")
        // The caret sits under the 27th character although "ë" and "€" take more than one byte.
        #expect(lines[2] == String(repeating: " ", count: 26) + "^")
        #expect(!text.contains("\u{1B}"))
        #expect(
            OutputFormat.text.formatter.render(Self.findings, context: Self.context(colour: true)).contains(
                "\u{1B}[1;31merror"))
    }

    /// A finding on a very long line quotes a window around its column, "…" marking what is left out.
    @Test func longLinesAreQuotedAsAWindowAroundTheColumn() {
        let long = String(repeating: "a", count: 1_000) + "€X" + String(repeating: "b", count: 1_000)
        let (middle, column) = TextFormatter.window(Array(long.unicodeScalars), column: 1_002)
        #expect(middle.unicodeScalars.count == TextFormatter.quoteWidth + 2)
        #expect(middle.hasPrefix("…a") && middle.hasSuffix("b…"))
        #expect(Array(middle.unicodeScalars)[column - 1] == "X")
        let (start, startColumn) = TextFormatter.window(Array(long.unicodeScalars), column: 3)
        #expect(start.hasPrefix("aaa") && start.hasSuffix("a…") && startColumn == 3)
        let (end, endColumn) = TextFormatter.window(Array(long.unicodeScalars), column: 2_003)
        #expect(end.hasPrefix("…b") && !end.hasSuffix("…") && endColumn == TextFormatter.quoteWidth + 2)
        #expect(TextFormatter.window(Array("short".unicodeScalars), column: 2) == ("short", 2))
    }

    @Test func caretCountsCodePointsAndKeepsTabs() {
        #expect(TextFormatter.caretPrefix("\tx", column: 2) == "\t")
        // "e" + combining diaeresis is two code points (two libyaml columns) but one place on screen.
        #expect(TextFormatter.caretPrefix("Zoe\u{308} x", column: 6) == "    ")
        #expect(TextFormatter.caretPrefix("ab", column: 5) == "    ")
    }

    @Test func jsonIsAnArrayOfFlatObjects() throws {
        let text = OutputFormat.json.formatter.render(Self.findings, context: Self.context())
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(Set(parsed[0].keys) == ["file", "line", "column", "severity", "rule", "message"])
        #expect(parsed[0]["line"] as? Int == 3 && parsed[0]["column"] as? Int == 27)
        #expect(parsed[0]["message"] as? String == Self.findings[0].message)
        #expect(parsed[1]["severity"] as? String == "warning")
        #expect(OutputFormat.json.formatter.render([], context: Self.context()) == "[]\n")
    }

    @Test func githubUsesWorkflowCommandsWithGitHubsEscaping() {
        let text = OutputFormat.github.formatter.render(Self.findings, context: Self.context())
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(
            lines[0]
                == "::error file=automation/workflows/proposal_followup.yaml,line=3,col=27,title=condition-type::'>' compares a number with a string, \"quoted\"%0Asecond line 100%25 done"
        )
        #expect(
            lines[1]
                == "::warning file=automation/workflows/a b%2Cc%3Ad.yaml,line=1,col=1,title=legacy-format::legacy workflow format"
        )
    }

    static func driver(_ text: String) throws -> [String: Any] {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        return try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    }

    @Test func sarifListsEveryRule() throws {
        let text = OutputFormat.sarif.formatter.render(Self.findings, context: Self.context())
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = try #require(try Self.driver(text)["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == RuleID.allCases.map(\.rawValue))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(
            results.map { $0["ruleIndex"] as? Int } == [
                RuleID.allCases.firstIndex(of: .conditionType), RuleID.allCases.firstIndex(of: .legacyFormat),
            ])
        #expect(text.contains("a%20b%2Cc%3Ad.yaml"))
    }

    /// RGCore names no site: the informationUri is the one the caller hands in, and absent without one.
    @Test func sarifInformationURIComesFromTheCaller() throws {
        var context = Self.context()
        #expect(try Self.driver(OutputFormat.sarif.formatter.render([], context: context))["informationUri"] == nil)
        context.informationURI = "https://example.org/tool"
        let driver = try Self.driver(OutputFormat.sarif.formatter.render([], context: context))
        #expect(driver["informationUri"] as? String == "https://example.org/tool")
    }

    static let sarifSchema = "schemas/sarif-schema-2.1.0.json"

    @Test(
        .enabled(
            if: TestRequirements.shared(sarifSchema) && TestRequirements.python("jsonschema"),
            "needs ../shared/\(sarifSchema) and Python's jsonschema (runs under CI=true)"))
    func sarifValidatesAgainstTheSchema() throws {
        var context = Self.context()
        context.informationURI = "https://example.org/tool"
        let text = OutputFormat.sarif.formatter.render(Self.findings, context: context)
        #expect(try Self.validateSARIF(text) == 0)
        // An empty run is valid too, with or without an informationUri; a log the schema rejects shows the check
        // itself works.
        #expect(try Self.validateSARIF(OutputFormat.sarif.formatter.render([], context: context)) == 0)
        #expect(try Self.validateSARIF(OutputFormat.sarif.formatter.render([], context: Self.context())) == 0)
        let broken = text.replacingOccurrences(of: "\"startLine\" : 3", with: "\"startLine\" : 0")
            .replacingOccurrences(of: "\"startLine\": 3", with: "\"startLine\": 0")
        #expect(broken != text)
        #expect(try Self.validateSARIF(broken, expectValid: false) == 1)
    }

    /// Validates with Python's jsonschema against ../shared/schemas/sarif-schema-2.1.0.json: the validator's status
    /// (0 valid, 1 invalid). Not being able to validate is a failure: the test that calls this is enabled only
    /// where it can (or under CI, where it must).
    static func validateSARIF(_ text: String, expectValid: Bool = true) throws -> Int32 {
        let schema = try Fixtures.shared(sarifSchema)
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let document = directory + "/report.sarif"
        Fixtures.write(text, to: document)
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                print("jsonschema is not installed"); sys.exit(3)
            schema = json.load(open(sys.argv[1]))
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
            for error in errors[:10]: print(list(error.path), error.message)
            sys.exit(1 if errors else 0)
            """
        let (status, output) = try Process.run("/usr/bin/env", ["python3", "-c", script, schema, document])
        try #require(status != 3 && status != 127, "SARIF cannot be validated: \(output)")
        if expectValid && status != 0 { Issue.record("SARIF does not validate: \(output)") }
        return status
    }
}

extension Process {
    /// Runs a program to completion; returns its exit status and its standard output and error.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil
    ) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
