import Foundation
import RGCore
import Testing

@testable import WorkflowLint

/// No input crashes, hangs or grows memory without bound: each gives a finding (exit 1) or a clear error (exit 2).
@Suite struct RobustnessTests {
    static func lintFile(_ bytes: [UInt8], name: String = "lead_intake.yaml") async -> LintReport {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return await WorkflowLinter.lint(paths: [path])
    }

    @Test func emptyFileIsAFinding() async {
        let report = await Self.lintFile([])
        #expect(report.diagnostics.map(\.rule) == ["missing-key"])
        #expect(report.exitStatus(strict: false) == .failed)
    }

    @Test func binaryGarbageIsASyntaxFinding() async {
        var generator = SeededGenerator(seed: 7)
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let report = await Self.lintFile(garbage)
        #expect(report.diagnostics.map(\.rule) == ["syntax"])
        #expect(report.exitStatus(strict: false) == .failed)
    }

    @Test func invalidUTF8IsReportedAtItsCharacter() async {
        let report = await Self.lintFile(
            Array("workflow: lead_intake\nname: Oriënt".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        #expect(report.diagnostics.map { "\($0.line):\($0.column) \($0.rule)" } == ["2:13 syntax"])
        #expect(report.diagnostics.first?.message.contains("UTF-8") == true)
    }

    @Test func fiftyMegabytesIsRefusedBeforeParsing() async {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        let report = await Self.lintFile(big)
        #expect(report.diagnostics.isEmpty)
        #expect(report.unreadable.count == 1)
        #expect(report.unreadable.first?.reason.contains("limit") == true)
        #expect(report.exitStatus(strict: false) == .usage)
    }

    @Test func tenThousandLevelsOfNesting() async {
        let flow = String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        let report = await Self.lintFile(Array(flow.utf8))
        #expect(report.diagnostics.map(\.rule) == ["syntax"])
        let block = String(repeating: "- ", count: 10_000) + "x\n"
        #expect(Fixtures.lint(block).map(\.rule) == ["syntax"])
    }

    @Test func aliasCycleAndBillionLaughs() {
        #expect(Fixtures.lint("a: &a [*a]\n").contains { $0.rule == "alias-limit" })
        var laughs = "blocks:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...30 {
            laughs +=
                "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        laughs += "actions: [*l30]\n"
        let findings = Fixtures.lint(laughs)
        #expect(findings.filter { $0.rule == "alias-limit" }.count == 1)
    }

    @Test func aKeyRepeatedAHundredThousandTimes() async {
        let report = await Self.lintFile(Array(String(repeating: "workflow: lead_intake\n", count: 100_000).utf8))
        #expect(report.diagnostics.count <= 1_100)
        #expect(report.diagnostics.contains { $0.rule == "duplicate-key" })
        #expect(report.exitStatus(strict: false) == .failed)
    }

    /// Shapes whose cost grew with the square of their size once (each under a second now, minutes then): a merge
    /// of a 20,000-key mapping into one with 20,000 keys, and 5,000 conditions folded over two lines, each with a
    /// finding whose position is looked up inside the file.
    @Test func largeMergesAndManyFoldedConditionFindingsStayLinear() async {
        let own = (0..<20_000).map { "  a\($0): 1\n" }.joined()
        let merged = (0..<20_000).map { "  b\($0): 1\n" }.joined()
        let merge = "base: &base\n\(merged)big:\n  <<: *base\n\(own)"
        let mergeReport = await Self.lintFile(Array(merge.utf8))
        #expect(mergeReport.diagnostics.contains { $0.rule == "unknown-key" && $0.message.contains("'base'") })

        var folded = RuleCatalogue.clean  // ends in its actions list: more actions follow
        for n in 0..<5_000 {
            folded +=
                "  - id: step_\(n)\n    type: wait\n    hours: 1\n    when: lead.score > 1 and\n      lead.sorce == \"x\"\n"
        }
        let foldedReport = await Self.lintFile(Array(folded.utf8))
        let unknown = foldedReport.diagnostics.filter { $0.message.hasPrefix("unknown field 'lead.sorce'") }
        #expect(unknown.count == 1_000)  // the per-file limit; every one at its own line, column 7
        #expect(unknown.allSatisfy { $0.column == 7 && $0.line > 10 })
        // The note on what the limit cut off closes the file's findings, after the last one kept.
        #expect(
            foldedReport.diagnostics.last?.message.hasSuffix("more findings in this file not shown (limit 1000)")
                == true)
        #expect(foldedReport.diagnostics.filter { $0.message.contains("not shown") }.count == 1)

        // 8,000 quoted conditions with two problems each on one minified line.
        let minified =
            "{workflow: lead_intake, version: 1, trigger: lead.created, entry_stage: nieuwe_lead, sla_hours: 1, "
            + "fallback_owner: ROLE_SALES, actions: ["
            + Array(repeating: "{id: a, type: wait, hours: 1, when: \"a ==\"}", count: 8_000).joined(separator: ",")
            + "]}"
        let minifiedReport = await Self.lintFile(Array(minified.utf8))
        #expect(minifiedReport.diagnostics.count == 1_001)
        #expect(minifiedReport.diagnostics.allSatisfy { $0.line == 1 })
    }

    /// Numbers with more digits than any integer type holds are numbers, not a crash (an overflow trap once).
    @Test func hugeNumbersInValuesAndConditions() {
        let digits = String(repeating: "9", count: 40)
        let text =
            RuleCatalogue.clean.replacingOccurrences(of: "sla_hours: 4", with: "sla_hours: \(digits).5")
            + "    when: lead.score > \(digits) and lead.score < -\(digits).25\n"
        #expect(Fixtures.lint(text).isEmpty)
        let version = RuleCatalogue.clean.replacingOccurrences(of: "version: 1", with: "version: \(digits)")
        #expect(
            Fixtures.lint(version).map(\.message) == ["version must be between 1 and 1000000, found \(digits)"])
        #expect(Fixtures.lint(RuleCatalogue.clean.replacingOccurrences(of: "version: 1", with: "version: 0x2")).isEmpty)
    }

    /// A line separator inside a string is a line break to libyaml: the quoted line under a later finding is the
    /// finding's own line, counted the same way.
    @Test func quotedLinesAreCountedAsLibyamlCountsThem() async {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text =
            RuleCatalogue.clean.replacingOccurrences(
                of: "version: 1\n", with: "version: 1\ndescription: \"first\u{2028}second\"\n")
            + "    when: lead.sorce == 1\n"
        Fixtures.write(text, to: directory + "/lead_intake.yaml")
        let report = await WorkflowLinter.lint(paths: [directory])
        let finding = try? #require(report.diagnostics.first { $0.rule == "unknown-field" })
        #expect(finding?.line == 13)
        #expect(report.sourceLine(directory + "/lead_intake.yaml", finding?.line ?? 0) == "    when: lead.sorce == 1")
    }

    @Test func unreadableFilesAreReportedAndTheOthersStillLinted() async {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Fixtures.write("workflow: other\n", to: directory + "/other.yaml")
        let report = await WorkflowLinter.lint(paths: [directory + "/missing.yaml", directory])
        #expect(report.unreadable.map(\.path) == [directory + "/missing.yaml"])
        #expect(report.filesChecked == 1)
        #expect(report.diagnostics.contains { $0.rule == "missing-key" })
        #expect(report.exitStatus(strict: false) == .usage)
    }

    /// The fuzz test's seed: RG_FUZZ_SEED when set (to replay a failure), else the clock.
    static func fuzzSeed(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> UInt64 {
        if let text = environment["RG_FUZZ_SEED"] {
            // A seed that does not parse must not quietly become another run's: stop on it.
            guard let seed = UInt64(text) else { preconditionFailure("RG_FUZZ_SEED='\(text)' is not a whole number") }
            return seed
        }
        return UInt64(Date().timeIntervalSince1970 * 1000)
    }

    @Test func fuzzSeedComesFromTheEnvironmentWhenSet() {
        #expect(Self.fuzzSeed(["RG_FUZZ_SEED": "12345"]) == 12345)
        #expect(Self.fuzzSeed([:]) > 1_700_000_000_000)
    }

    /// Random and mutated workflows, for a bounded time: every run ends, findings have sane positions and rules.
    /// Every failure names the seed; `RG_FUZZ_SEED=<seed> swift test --filter fuzzMutatedWorkflows` replays it.
    @Test func fuzzMutatedWorkflows() throws {
        let seeds =
            try ["lead_intake", "proposal_followup", "post_event_care"].map {
                Array(
                    try String(contentsOfFile: Fixtures.path("automation/workflows/\($0).yaml"), encoding: .utf8).utf8)
            } + RuleCatalogue.all.flatMap { $0.triggering + $0.nonTriggering }.map { Array($0.parsed.source.utf8) }
        let tokens: [[UInt8]] = [
            "*", "&a ", "<<: ", "- ", ": ", "\n", "  ", "{", "}", "[", "]", "\"", "'", "#", "|", ">", "€", "ë", "\u{0}",
            "when: (", " and ", "deal.value > \"5\"", "*capture_lead", "&capture_lead",
        ].map { Array($0.utf8) }
        let ruleIDs = Set(RuleID.allCases.map(\.rawValue))
        let seed = Self.fuzzSeed()
        let replay = "RG_FUZZ_SEED=\(seed)"
        var generator = SeededGenerator(seed: seed)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(3)
        var runs = 0
        while clock.now < deadline {
            var bytes = seeds.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let at = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes.insert(contentsOf: tokens.randomElement(using: &generator)!, at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                case 2: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &generator) }
                default:
                    let end = min(bytes.count, at + Int.random(in: 0...40, using: &generator))
                    bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &generator))
                }
            }
            if runs % 10 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            // Lines as libyaml counts them: a random CR, NEL, LS or PS breaks a line too.
            let lineCount = LineIndex(text, breaks: .yaml).lineCount
            for finding in Fixtures.lint(text) {
                #expect(ruleIDs.contains(finding.rule), "\(replay): \(finding)")
                #expect(
                    finding.line >= 1 && finding.line <= lineCount + 1 && finding.column >= 1, "\(replay): \(finding)")
            }
            _ = WorkflowLinter.lint(bytes, path: "lead_intake.yaml", tenant: Fixtures.exampleTenant)
            runs += 1
        }
        #expect(runs > 50, "\(replay)")
    }
}

/// SplitMix64: reproducible random input.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
