import Foundation
import TestSupport
import Testing

/// `rg-crm lint` and `rg-crm workflows upgrade` as a user runs them: the built binary, its output and exit codes.
@Suite struct LintCommandTests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var binary: String? {
        let candidates = [ProcessInfo.processInfo.environment["RG_CRM_BINARY"], packageRoot + "/.build/debug/rg-crm"]
        let found = candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
        if found == nil { Issue.record("rg-crm is not built (swift build), or set RG_CRM_BINARY") }
        return found
    }

    static let draftsFolder = "data/origin/automation/workflows"
    static let drafts = TestPaths.shared(draftsFolder)

    /// Skipped with this reason where ../shared is missing, except under CI=true, where the test runs and fails.
    static let needsDrafts = Testing.ConditionTrait.enabled(
        if: TestRequirements.shared(draftsFolder),
        "needs the platform's drafts in ../shared/\(draftsFolder) (runs under CI=true)")

    /// The drafts folder; throws (a failure) when it is missing.
    static func requireDrafts() throws -> String {
        try MissingTestInput.shared(draftsFolder)
    }

    typealias Result = CommandResult

    static func run(_ arguments: [String], environment: [String: String] = [:], executable: String? = nil) throws
        -> Result?
    {
        guard let binary = executable ?? binary else { return nil }
        var variables: [String: String?] = ["NO_COLOR": nil]
        for (key, value) in environment { variables[key] = value }
        return try TestProcess.run(binary, arguments, environment: variables)
    }

    static func scratch(_ files: [String: String]) -> String {
        let directory = NSTemporaryDirectory() + "rg-crm-cli-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            _ = FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data(text.utf8))
        }
        return directory
    }

    static let broken = """
        workflow: proposal_followup
        version: 1
        trigger: deal.stage.changed
        entry_stage: offerte_uitgebracht
        sla_hours: 1
        fallback_owner: ROLE_SALES
        actions:
          - id: review
            type: teams
            webhook: teams_sales
            message: "Offerte € boven 5000"
            when: contact.first_name == "Zoë" and deal.value > "5000"

        """

    @Test func shippedWorkflowsAreCleanWithTenantMrdj() throws {
        // Against the real template library in automation/templates.
        guard let result = try Self.run(["lint", "--tenant", "mrdj", "--strict"]) else {
            return
        }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func findingsExitOneWithTextLineAndCaret() throws {
        let directory = Self.scratch(["proposal_followup.yaml": Self.broken])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let result = try Self.run(["lint", directory + "/proposal_followup.yaml"]) else { return }
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines[0]
                == "\(directory)/proposal_followup.yaml:12:56: error: '>' compares a number with a string (remove the quotes to compare numbers) [condition-type]"
        )
        #expect(lines[1] == "    when: contact.first_name == \"Zoë\" and deal.value > \"5000\"")
        #expect(lines[2] == String(repeating: " ", count: 55) + "^")
        #expect(!result.stdout.contains("\u{1B}"), "no colour when not on a terminal")
    }

    /// Colour only on a terminal (a pseudo-terminal from util-linux `script`), and never with NO_COLOR set.
    @Test(
        .enabled(
            if: TestRequirements.executable("/usr/bin/script"),
            "needs util-linux's /usr/bin/script for a pseudo-terminal (runs under CI=true)"))
    func colourOnATerminalUnlessNoColor() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "/usr/bin/script is missing")
        guard let binary = Self.binary else { return }
        let directory = Self.scratch(["proposal_followup.yaml": Self.broken])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let command = "\(binary) lint \(directory)/proposal_followup.yaml"
        let coloured = try Self.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(coloured?.stdout.contains("\u{1B}[1;31merror\u{1B}[0m") == true)
        let plain = try Self.run(
            ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"], executable: "/usr/bin/script")
        #expect(plain?.stdout.contains("error: '>' compares") == true)
        #expect(plain?.stdout.contains("\u{1B}") == false)
    }

    @Test func everyFormat() throws {
        let directory = Self.scratch(["proposal_followup.yaml": Self.broken])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/proposal_followup.yaml"
        guard let json = try Self.run(["lint", "--format", "json", file]) else { return }
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 1 && array[0]["rule"] as? String == "condition-type" && array[0]["column"] as? Int == 56)
        guard let github = try Self.run(["lint", "--format", "github", file]) else { return }
        #expect(github.stdout.hasPrefix("::error file=\(file),line=12,col=56,title=condition-type::'>' compares"))
        guard let sarif = try Self.run(["lint", "--format", "sarif", file]) else { return }
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]
        #expect(rules?.count == 20)
        // The executable names the tool's site; RGCore hard-codes none (never the first tenant's).
        let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any]
        #expect(driver?["informationUri"] as? String == "https://rentguy.nl")
        #expect(sarif.status == 1 && github.status == 1 && json.status == 1)
    }

    @Test func usageAndReadErrorsExitTwoAndTheRestIsStillLinted() throws {
        let directory = Self.scratch(["proposal_followup.yaml": Self.broken])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let result = try Self.run(["lint", directory + "/nope.yaml", directory + "/proposal_followup.yaml"])
        else { return }
        #expect(result.status == 2)
        #expect(result.stderr.contains("nope.yaml: no such file"))
        #expect(result.stdout.contains("[condition-type]"))
        #expect(try Self.run(["lint", "--format", "xml"])?.status == 2)
        #expect(try Self.run(["lint", "--no-such-flag"])?.status == 2)
        #expect(try Self.run(["lint", "--tenant", "Not A Slug"])?.status == 2)
        let missing = try Self.run(["lint", "--tenant", "mrdj", "--templates", directory + "/no-library"])
        #expect(missing?.status == 2)
        #expect(missing?.stderr.contains("no template library") == true)
    }

    @Test func badInputsGiveAFindingOrAClearErrorNeverACrash() throws {
        let big = NSTemporaryDirectory() + "rg-crm-cli-big-" + UUID().uuidString + ".yaml"
        _ = FileManager.default.createFile(atPath: big, contents: Data(repeating: 0x61, count: 50 << 20))
        defer { try? FileManager.default.removeItem(atPath: big) }
        var laughs = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            laughs +=
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let directory = Self.scratch([
            "empty.yaml": "",
            "garbage.yaml": String(decoding: (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self),
            "cycle.yaml": "a: &a [*a]\n", "laughs.yaml": laughs, "nested.yaml": String(repeating: "[", count: 10_000),
            "keys.yaml": String(repeating: "k: 1\n", count: 100_000),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = FileManager.default.createFile(
            atPath: directory + "/utf8.yaml", contents: Data([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]))
        for name in ["empty", "garbage", "cycle", "laughs", "nested", "keys", "utf8"] {
            let result = try Self.run(["lint", "\(directory)/\(name).yaml"])
            #expect(result?.status == 1, "\(name): \(result?.stderr ?? "")")
            #expect(result?.stdout.contains("error:") == true, "\(name)")
        }
        let result = try Self.run(["lint", big])
        #expect(result?.status == 2)
        #expect(result?.stderr.contains("limit") == true)
    }

    @Test(needsDrafts) func strictFailsOnWarningsAndListRules() throws {
        _ = try Self.requireDrafts()
        #expect(try Self.run(["lint", Self.drafts])?.status == 0)
        let strict = try Self.run(["lint", "--strict", Self.drafts])
        #expect(strict?.status == 1)
        #expect(strict?.stdout.contains("warning: legacy workflow format") == true)
        let rules = try Self.run(["lint", "--list-rules"])
        #expect(rules?.status == 0)
        #expect(rules?.stdout.split(separator: "\n").count == 20)
        #expect(rules?.stdout.contains("alias-limit\terror\t") == true)
    }

    @Test(needsDrafts) func upgradeDryRunShowsTheDiffAndWritesNothing() throws {
        _ = try Self.requireDrafts()
        let original = try String(contentsOfFile: Self.drafts + "/proposal_followup.yaml", encoding: .utf8)
        let intake = try String(contentsOfFile: Self.drafts + "/lead_intake.yaml", encoding: .utf8)
        let directory = Self.scratch(["proposal_followup.yaml": original, "lead_intake.yaml": intake])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/proposal_followup.yaml"
        let dry = try Self.run(["workflows", "upgrade", file, "--tenant", "mrdj", "--dry-run"])
        #expect(dry?.status == 0)
        #expect(dry?.stdout.contains("-id: proposal_followup\n") == true)
        #expect(dry?.stdout.contains("+workflow: proposal_followup\n") == true)
        #expect(dry?.stdout.contains("+entry_stage: offerte_uitgebracht\n") == true)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == original)

        let written = try Self.run(["workflows", "upgrade", file, "--tenant", "mrdj"])
        #expect(written?.status == 0)
        #expect(written?.stderr.contains("lints clean with --tenant mrdj") == true)
        #expect(try Self.run(["lint", "--strict", "--tenant", "mrdj", file])?.status == 0)

        let partial = try Self.run([
            "workflows", "upgrade", directory + "/lead_intake.yaml", "--tenant", "mrdj",
        ])
        #expect(partial?.status == 1)
        #expect(partial?.stderr.contains("fill in fallback_owner") == true)
    }
}
