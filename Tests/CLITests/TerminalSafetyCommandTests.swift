import Foundation
import Postgres
import TestSupport
import Testing

/// What reaches a terminal: user text with its control characters escaped, one line per error, and the exit code
/// that says whether the input or the operation was at fault.
@Suite struct TerminalSafetyCommandTests {
    @Test func tenantListEscapesANameThatSomethingElseWroteIntoTheDatabase() throws {
        try TenantDatabase.with("cliesc") { database throws in
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            #expect(try RGCRMProcess.run(["db", "migrate"], environment: environment).status == 0)
            #expect(try RGCRMProcess.run(["db", "seed", "--tenant", "mrdj"], environment: environment).status == 0)
            // The backend (or anyone with the table) can store what config check would refuse.
            try Connection(conninfo: database.url).query(
                "UPDATE crm.crm_tenants SET name = $1", ["Mr. DJ\u{1B}[2J\nfake  row  wedding\u{9B}31m\u{202E}"])
            let list = try RGCRMProcess.run(["tenant", "list"], environment: environment)
            #expect(list.status == 0, "\(list.stderr)")
            let lines = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3, "header, one row, and the final newline: \(list.stdout)")
            #expect(!list.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            #expect(!list.stdout.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
            #expect(lines[1].contains("Mr. DJ\\u{1B}[2J\\nfake  row  wedding\\u{9B}31m\\u{202E}"))
            // JSON carries the name exactly, escaped as JSON escapes it.
            let json = try RGCRMProcess.run(["tenant", "list", "--format", "json"], environment: environment)
            let tenants = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(tenants.first?["name"] as? String == "Mr. DJ\u{1B}[2J\nfake  row  wedding\u{9B}31m\u{202E}")
        }
    }

    @Test func dbStatusEscapesHistoryNamesWrittenByOthers() throws {
        try TestDatabase.with("cliesc") { url throws in
            #expect(try RGCRMProcess.run(["db", "migrate", "--database-url", url]).status == 0)
            try Connection(conninfo: url).query(
                "INSERT INTO crm.schema_migrations (version, name, checksum, execution_ms) VALUES (900, $1, 'x', 1)",
                ["x\u{1B}[31mred\n  0901  fake_row"])
            let status = try RGCRMProcess.run(["db", "status", "--database-url", url])
            #expect(!status.stdout.unicodeScalars.contains("\u{1B}"))
            #expect(status.stdout.contains("  0900  x\\u{1B}[31mred\\n  0901  fake_row"), "\(status.stdout)")
            #expect(!status.stdout.contains("\n  0901"))
        }
    }

    @Test func configCheckGivesOneLinePerIssueWithControlCharactersEscaped() throws {
        let configs = try ConfigFixtures.copy(as: "acme") { tenant, crm in
            tenant["name"] = "a\u{0}b"
            tenant["nick\u{1B}[2J\nname"] = "x"
            crm["automation"] = ["lead.created": ["lead_intake", "no_such_flow"]]
        }
        let result = try RGCRMProcess.run(["config", "check", "--tenant", "acme", "--config-dir", configs])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("rg-crm: error: ") }, "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains("\u{1B}"))
        #expect(
            lines.contains {
                $0.contains("/acme/tenant.json: $.name: a NUL character (\\u0000) cannot be stored; remove it (line ")
            })
        #expect(lines.contains { $0.contains("$[\"nick\\u001b[2J\\nname\"]: unknown key 'nick\\u{1B}[2J\\nname'") })
        #expect(
            lines.contains {
                $0.contains("$.automation[\"lead.created\"][1]: no workflow 'no_such_flow' in the workflow library")
            })
        #expect(lines.count == 3, "\(result.stderr)")
    }

    /// libpq reads a service file, a password file and TLS files while it connects: one that is a FIFO or a device
    /// would make every db command wait for ever, so each is checked first.
    @Test func aFileLibpqWouldReadThatIsNotARegularFileIsRefusedNotWaitedOn() throws {
        let folder = try TestPaths.temporaryDirectory("libpqfiles")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(mkfifo(folder + "/service.conf", 0o600) == 0)
        for (environment, url, file) in [
            (
                ["PGSERVICEFILE": folder + "/service.conf"], "postgresql://u@127.0.0.1:1/db?service=x",
                folder + "/service.conf"
            ),
            (
                ["PGSERVICEFILE": folder + "/service.conf", "PGSERVICE": "x"], "postgresql://u@127.0.0.1:1/db",
                folder + "/service.conf"
            ),
            (["PGSERVICEFILE": "/dev/zero"], "postgresql://u@127.0.0.1:1/db?service=x", "/dev/zero"),
            (
                [:], "postgresql://u@127.0.0.1:1/db?sslrootcert=\(folder)/service.conf&sslmode=verify-full",
                folder + "/service.conf"
            ),
        ] {
            let running = try RGCRMProcess.start(["db", "status", "--database-url", url], environment: environment)
            guard let result = running.wait(timeout: 10) else {
                Issue.record("db status with \(environment) \(url) still running after 10 s")
                continue
            }
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("rg-crm: error: invalid database URL: \(file): is a "), "\(result.stderr)")
        }
    }

    @Test func anEmptyRolePrefixVariableMeansTheDefault() throws {
        try TestDatabase.with("prefix") { url throws in
            let result = try RGCRMProcess.run(
                ["tenant", "remove", "acme", "--confirm", "acme", "--database-url", url],
                environment: ["RG_CRM_ROLE_PREFIX": ""])
            #expect(!result.stderr.contains("role prefix"), "\(result.stderr)")
            #expect(result.stderr.contains("run rg-crm db migrate first"), "\(result.stderr)")
        }
    }

    @Test func configCheckNeedsItsWorkflowLibrary() throws {
        let result = try RGCRMProcess.run([
            "config", "check", "--tenant", "mrdj", "--workflows", "/nonexistent/workflows",
        ])
        #expect(result.status == 2)
        #expect(result.stderr == "rg-crm: error: no workflow folder at /nonexistent/workflows (pass --workflows DIR)\n")
        let shipped = try RGCRMProcess.run(["config", "check", "--tenant", "mrdj"])
        #expect(shipped.status == 0, "\(shipped.stderr)")
    }

    @Test(arguments: [
        ("postgresql://u@127.0.0.1:notaport/db", Int32(2)),
        ("postgresql://u@127.0.0.1:1/db?sslmode=bogus", Int32(2)),
        ("postgresql://u:Qx7Wv3@Zk9Jm2@127.0.0.1:1/db", Int32(2)),
        ("postgresql://u@127.0.0.1:1/db?connect_timeout=2", Int32(1)),
    ])
    func aMalformedURLIsBadInputAndAFailedConnectionIsNot(_ url: String, _ status: Int32) throws {
        for arguments in [["db", "status"], ["tenant", "list"]] {
            let result = try RGCRMProcess.run(arguments + ["--database-url", url])
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!result.stderr.contains("Zk9") && !result.stderr.contains("Wv3@"))
        }
    }
}
