import Foundation
import TestSupport
import Testing

/// Exit codes through the built binary: each error's category decides its code (2 bad input, 1 a failed
/// operation or findings), and no command chooses a code of its own.
@Suite struct ExitCodeTests {
    @Test(arguments: [
        ["config", "check", "--tenant", "Not-A-Slug"],
        ["db", "status", "--database-url", "postgresql://u@127.0.0.1:notaport/db"],
        ["templates", "check", "--tenant", "mrdj", "--config-dir", "/nonexistent"],
    ])
    func badInputExits2WithOneLine(arguments: [String]) throws {
        let result = try RGCRMProcess.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rg-crm: error: ") && !result.stderr.contains("internal:"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func aServerThatCannotBeReachedExits1() throws {
        let result = try RGCRMProcess.run(
            ["db", "status", "--database-url", "postgresql://rgcrm@127.0.0.1:1/rgcrm?connect_timeout=2"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stderr.hasPrefix("rg-crm: error: cannot connect to PostgreSQL at 127.0.0.1:1"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// Internal (3): an error no library foresaw. The only one a test can cause on purpose is the test-only abort of
    /// an onboarding (it stands for a crash): one line, exit 3, and the run can be finished afterwards.
    @Test func anInternalStopExits3WithOneLine() throws {
        try OnboardCommandTests.Stack.with("exit3") { stack throws in
            let aborted = try stack.run(
                ["tenant", "onboard", "--tenant", "mrdj"],
                ["RG_CRM_TEST_ABORT_AFTER_STEP": "2", "RG_CRM_TEST_HOOKS": "1"])
            #expect(aborted.status == 3, "\(aborted.stderr)")
            #expect(aborted.stderr == "rg-crm: error: aborted after step 2 (RG_CRM_TEST_ABORT_AFTER_STEP, test only)\n")
            #expect(try stack.run(["tenant", "onboard", "--tenant", "mrdj"]).status == 0)
        }
    }

    /// Standard output closed (`>&-`): one error line and exit 1, not Foundation's crash (it was a backtrace and
    /// signal 4, exit 132).
    @Test func aClosedStandardOutputIsAFailedOperationNotACrash() throws {
        let result = try TestProcess.run("/bin/sh", ["-c", "exec \"$0\" lint --list-rules >&-", TestPaths.executable])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rg-crm: error: cannot write to standard output: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// `config check` is a checker like lint and templates check: findings exit 1 in every format; a pack it
    /// cannot read at all is bad input (2).
    @Test(arguments: ["text", "json", "sarif", "github"])
    func configCheckFindingsExit1(format: String) throws {
        let configs = try ConfigFixtures.copy(as: "acme") { tenant, _ in tenant["name"] = "" }
        let result = try RGCRMProcess.run([
            "config", "check", "--tenant", "acme", "--config-dir", configs, "--format", format,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        if format == "text" {
            #expect(result.stderr.hasPrefix("rg-crm: error: \(configs)/acme/tenant.json: $.name: "), "\(result.stderr)")
        } else {
            #expect(result.stdout.contains("tenant.json"), "\(result.stdout)")
        }
    }

    @Test func configCheckOfAMissingPackExits2() throws {
        let result = try RGCRMProcess.run(["config", "check", "--tenant", "mrdj", "--config-dir", "/nonexistent"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("no config pack for tenant 'mrdj'"))
        let clean = try RGCRMProcess.run(["config", "check", "--tenant", "mrdj"])
        #expect(clean.status == 0, "\(clean.stderr)")
    }

    /// The acceptance's grep: the one mapping from a status to the process's exit code is `ExitStatus.exitCode` in
    /// Support/Terminal.swift; nothing else in Sources builds an `ExitCode`, calls `exit(` with a code, or keeps a raw
    /// exit code.
    @Test func noExitCodeIsChosenOutsideTheOneMapping() throws {
        let sources = TestPaths.repository("Sources")
        var offending: [String] = []
        #expect(FileManager.default.fileExists(atPath: sources + "/RGCore/Errors/ExitStatus.swift"))
        var mappings: [String] = []
        for file in try FileManager.default.subpathsOfDirectory(atPath: sources) where file.hasSuffix(".swift") {
            let lines = try String(contentsOfFile: sources + "/" + file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                let code =
                    line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
                    ?? ""
                let place = "\(file):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))"
                // The one table of codes.
                if file == "RGCore/Errors/ExitStatus.swift" { continue }
                if code.contains("ExitCode(") {
                    mappings.append(place)
                }
                let exits = code.ranges(of: "exit(").count
                let argumentParserExits = code.ranges(of: "exit(withError:").count
                if exits != argumentParserExits || code.contains("ExitCodes") || code.contains("CheckExitCode")
                    || code.range(of: #"(?i)exit\w*\s*[:=]\s*(Int32|[0-9])"#, options: .regularExpression) != nil
                {
                    offending.append(place)
                }
            }
        }
        #expect(offending.isEmpty, "\(offending.joined(separator: "\n"))")
        #expect(
            mappings == [
                "rg-crm/Support/Terminal.swift:\(try mappingLine()): var exitCode: ExitCode { ExitCode(rawValue) }"
            ], "\(mappings)")
    }

    private func mappingLine() throws -> Int {
        let text = try String(
            contentsOfFile: TestPaths.repository("Sources/rg-crm/Support/Terminal.swift"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains("ExitCode(rawValue)") }) + 1
    }
}
