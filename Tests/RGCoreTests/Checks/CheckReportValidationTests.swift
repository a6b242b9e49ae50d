import Foundation
import TestSupport
import Testing

@testable import RGCore

/// The JUnit and TAP reports as the tools that read them see them: JUnit validated against the schema Jenkins reads
/// (Tests/Schemas/jenkins-junit.xsd) with Python's xmlschema, TAP parsed by tap.py's TAP 13 parser (YAML blocks
/// included). Both installed by scripts/bootstrap.sh.
@Suite struct CheckReportValidationTests {
    static let schema = TestPaths.repository("Tests/Schemas/jenkins-junit.xsd")

    /// The sample, and one result of each status whose every text is hostile.
    static var results: [CheckResult] {
        let hostile = CheckResultTests.hostile
        return CheckResultTests.sample
            + CheckStatus.allCases.map { status in
                CheckResult(
                    id: "hostile.\(status.rawValue)", group: "hostile <&\"'>\n\u{1B}", title: hostile, status: status,
                    duration: .microseconds(1_234), message: hostile, remediation: hostile,
                    location: .init(file: hostile, line: 1, column: 2))
            }
    }

    static func write(_ text: String) throws -> String {
        let directory = try TestPaths.temporaryDirectory("check-report")
        let path = directory + "/report"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let validateJUnit = """
        import json, sys, xmlschema
        from xml.etree import ElementTree
        schema = xmlschema.XMLSchema(sys.argv[1])
        out = []
        for path in sys.argv[2:]:
            errors = [str(error.reason) for error in schema.iter_errors(path)]
            cases = []
            if not errors:
                for case in ElementTree.parse(path).getroot().iter("testcase"):
                    child = next(iter(case), None)
                    cases.append({
                        "name": case.get("name"), "classname": case.get("classname"),
                        "outcome": child.tag if child is not None else "pass",
                        "message": None if child is None else child.get("message"),
                        "text": None if child is None else child.text})
            out.append({"errors": errors, "cases": cases})
        print(json.dumps(out))
        """

    @Test(
        .enabled(
            if: TestRequirements.python("xmlschema"),
            "needs Python's xmlschema (scripts/bootstrap.sh; runs under CI=true)"))
    func junitValidatesAgainstJenkinsSchemaAndCarriesTheTextIntact() throws {
        let report = JUnitFormatter().render(Self.results, context: CheckReportContext(name: "rg-crm \u{1B}smoke"))
        let valid = try Self.write(report)
        // A report the schema rejects (a `skipped` attribute on <testsuites>): the validation is not vacuous.
        let invalid = try Self.write(
            report.replacingOccurrences(of: "<testsuites ", with: "<testsuites skipped=\"1\" "))
        let empty = try Self.write(JUnitFormatter().render([], context: CheckReportContext()))
        let run = try Python.run(Self.validateJUnit, arguments: [Self.schema, valid, invalid, empty])
        try #require(run.status == 0, "\(run.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        try #require(parsed.count == 3)
        #expect((parsed[0]["errors"] as? [String])?.isEmpty == true, "\(parsed[0]["errors"] ?? "")")
        #expect((parsed[1]["errors"] as? [String])?.isEmpty == false)
        #expect((parsed[2]["errors"] as? [String])?.isEmpty == true, "\(parsed[2]["errors"] ?? "")")

        let cases = try #require(parsed[0]["cases"] as? [[String: Any]])
        #expect(
            cases.map { $0["outcome"] as? String } == [
                "pass", "failure", "skipped", "error", "pass", "failure", "skipped", "error",
            ])
        #expect(cases[0]["name"] as? String == "db.rls.forced: row-level security is forced")
        // What a parser reads back is the text, with only what XML 1.0 cannot hold written as an escape.
        let readable = CheckResultTests.hostile.replacingOccurrences(of: "\u{1B}", with: "\\u{1B}")
            .replacingOccurrences(of: "\u{0}", with: "\\u{0}").replacingOccurrences(of: "\u{FFFE}", with: "\\u{FFFE}")
        let failure = cases[5]
        #expect(failure["classname"] as? String == "hostile <&\"'>\n\\u{1B}")
        #expect(failure["name"] as? String == "hostile.fail: " + readable)
        #expect(failure["message"] as? String == readable)
        #expect(failure["text"] as? String == "\(readable)\nfix: \(readable)\nat: \(readable):1:2")
        #expect(cases[6]["text"] as? String == readable)
    }

    static let parseTAP = """
        import json, sys
        from tap.parser import Parser
        lines = []
        for line in Parser().parse_text(open(sys.argv[1], encoding="utf-8").read()):
            entry = {"category": line.category}
            if line.category == "version": entry["version"] = line.version
            if line.category == "plan": entry["expected"] = line.expected_tests
            if line.category == "test":
                entry.update(ok=line.ok, number=line.number, description=line.description, skip=line.skip,
                             todo=line.todo, reason=line.directive.reason if line.skip else None,
                             yaml=line.yaml_block)
            lines.append(entry)
        print(json.dumps(lines))
        """

    @Test(
        .enabled(
            if: TestRequirements.python("tap.parser", "yaml", "more_itertools"),
            "needs Python's tap.py with PyYAML (scripts/bootstrap.sh; runs under CI=true)"))
    func tapParsesAsTAP13WithItsYAMLBlocks() throws {
        let results = Self.results
        let path = try Self.write(TAPFormatter().render(results, context: CheckReportContext()))
        let run = try Python.run(Self.parseTAP, arguments: [path])
        try #require(run.status == 0, "\(run.stderr)")
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        // Nothing but the version, the plan and one test line per result: no text forged a line or broke a block.
        #expect(lines.map { $0["category"] as? String } == ["version", "plan"] + results.map { _ in "test" })
        #expect(lines[0]["version"] as? Int == 13)
        #expect(lines[1]["expected"] as? Int == results.count)
        let tests = Array(lines.dropFirst(2))
        for (index, (line, result)) in zip(tests, results).enumerated() {
            #expect(line["number"] as? Int == index + 1)
            #expect(line["ok"] as? Bool == (result.status == .pass || result.status == .skip), "\(result.id)")
            #expect(line["skip"] as? Bool == (result.status == .skip), "\(result.id)")
            #expect(line["todo"] as? Bool == false, "\(result.id)")
            let yaml = try #require(line["yaml"] as? [String: Any], "\(result.id): no YAML block")
            #expect(yaml["id"] as? String == result.id)
            #expect(yaml["group"] as? String == result.group)
            #expect(yaml["status"] as? String == result.status.rawValue)
            #expect(yaml["duration_ms"] as? Int == result.duration.wholeMilliseconds)
            #expect(yaml["message"] as? String == result.message, "\(result.id)")
            #expect(yaml["remediation"] as? String == result.remediation, "\(result.id)")
            #expect(yaml["at"] as? String == result.location?.description, "\(result.id)")
        }
        #expect(tests[0]["description"] as? String == "- db.rls.forced: row-level security is forced")
        #expect(tests[2]["reason"] as? String == "no Metabase URL configured")
    }
}
