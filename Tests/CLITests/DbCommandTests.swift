import Foundation
import Postgres
import TestSupport
import Testing

/// `rg-crm db …` as a user runs it: real processes against the real PostgreSQL.
@Suite struct DbCommandTests {
    @Test func fourMigrateProcessesAtOnceAllSucceedAndRecordEachVersionOnce() throws {
        try TestDatabase.with("procs") { url throws in
            let running = try (0..<4).map { _ in try RGCRMProcess.start(["db", "migrate", "--database-url", url]) }
            let results = running.map { $0.wait() }
            for result in results { #expect(result.status == 0, "\(result.stderr)") }
            let summaries = results.map(\.stdout)
            #expect(summaries.filter { $0.hasPrefix("Applied 6 migration(s)") }.count == 1)
            #expect(summaries.filter { $0 == "Database is up to date at version 0006; nothing to apply.\n" }.count == 3)
            let counts = try Connection(conninfo: url).query(
                "SELECT version, count(*) FROM crm.schema_migrations GROUP BY 1 ORDER BY 1")
            #expect(counts.rows == [["1", "1"], ["2", "1"], ["3", "1"], ["4", "1"], ["5", "1"], ["6", "1"]])
        }
    }

    @Test func statusSpeaksJSON() throws {
        try TestDatabase.with("status") { url throws in
            #expect(try RGCRMProcess.run(["db", "migrate", "--database-url", url, "--to", "2"]).status == 0)
            let result = try RGCRMProcess.run(["db", "status", "--database-url", url, "--format", "json"])
            #expect(result.status == 0)
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [[String: Any]]])
            #expect(json["applied"]?.map { $0["version"] as? Int } == [1, 2])
            #expect(
                json["applied"]?.allSatisfy {
                    ($0["checksum"] as? String)?.count == 64 && $0["applied_at"] is String && $0["name"] is String
                } == true)
            #expect(
                json["pending"]?.map { $0["name"] as? String } == [
                    "read_models", "tenant_isolation", "tenant_role_hardening", "dashboard_read_models",
                ])
        }
    }

    @Test func rollbackNeedsConfirmationAndVerifyFailsOnAForgetfulDown() throws {
        try TestDatabase.with("rollback") { url throws in
            #expect(try RGCRMProcess.run(["db", "migrate", "--database-url", url]).status == 0)
            let refused = try RGCRMProcess.run(["db", "rollback", "--to", "0", "--database-url", url])
            #expect(refused.status == 2)
            #expect(
                refused.stderr
                    == "rg-crm: error: rollback drops tables and their data; run again with --yes to confirm\n")
            #expect(try Connection(conninfo: url).query("SELECT count(*) FROM crm.schema_migrations").scalar == "6")

            let done = try RGCRMProcess.run(["db", "rollback", "--to", "0", "--yes", "--database-url", url])
            #expect(done.status == 0, "\(done.stderr)")
            #expect(
                try Connection(conninfo: url).query("SELECT count(*) FROM pg_tables WHERE schemaname = 'crm'").scalar
                    == "0")

            let migrations = try TestPaths.copyOfMigrations()
            try "DROP VIEW crm.automation_sla;\nDROP VIEW crm.revenue_per_package;\nDROP VIEW crm.pipeline_velocity;\n"
                .write(
                    toFile: migrations + "/0003_read_models.down.sql", atomically: true, encoding: .utf8)
            let verify = try RGCRMProcess.run(["db", "verify", "--database-url", url, "--migrations", migrations])
            #expect(verify.status == 1)
            #expect(verify.stderr.contains("0003_read_models.down.sql: does not undo its up migration: leaves behind"))
            #expect(verify.stderr.contains("view crm_segments"))
            let clean = try RGCRMProcess.run(["db", "verify", "--database-url", url])
            #expect(clean.status == 0, "\(clean.stderr)")
        }
    }

    @Test func aFailedMigrationNamesFileLineAndSQLState() throws {
        try TestDatabase.with("failcli") { url throws in
            let migrations = try TestPaths.copyOfMigrations()
            try "CREATE TABLE crm.extra (tenant_id uuid);\nINSERT INTO crm.extra VALUES ('not-a-uuid');\n".write(
                toFile: migrations + "/0007_extra.up.sql", atomically: true, encoding: .utf8)
            try "DROP TABLE crm.extra;\n".write(
                toFile: migrations + "/0007_extra.down.sql", atomically: true, encoding: .utf8)
            let result = try RGCRMProcess.run(["db", "migrate", "--database-url", url, "--migrations", migrations])
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n")
            let error = try #require(lines.last)
            #expect(
                error.hasPrefix(
                    "rg-crm: error: \(migrations)/0007_extra.up.sql:2:31: invalid input syntax for type uuid: \"not-a-uuid\" (SQLSTATE 22P02)"
                ))
            #expect(try Connection(conninfo: url).query("SELECT to_regclass('crm.extra') IS NULL").scalar == "t")
        }
    }

    @Test func aKilledMigrationLeavesNothingHalfApplied() throws {
        try TestDatabase.with("killed") { url throws in
            let migrations = try TestPaths.copyOfMigrations()
            let slow = migrations + "/0007_slow.up.sql"
            try "CREATE TABLE crm.half (id int);\nINSERT INTO crm.half VALUES (1);\nSELECT pg_sleep(30);\n".write(
                toFile: slow, atomically: true, encoding: .utf8)
            try "DROP TABLE crm.half;\n".write(
                toFile: migrations + "/0007_slow.down.sql", atomically: true, encoding: .utf8)
            let running = try RGCRMProcess.start(["db", "migrate", "--database-url", url, "--migrations", migrations])
            let connection = try Connection(conninfo: url)
            // Wait until the slow migration is sleeping inside its transaction, then kill the process.
            var sleeping = false
            for _ in 0..<200 where !sleeping {
                Thread.sleep(forTimeInterval: 0.05)
                sleeping =
                    try connection.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'"
                    ).scalar == "1"
            }
            #expect(sleeping)
            running.kill()
            _ = running.wait()
            // The server notices the dead client and rolls its transaction back.
            var gone = false
            for _ in 0..<200 where !gone {
                Thread.sleep(forTimeInterval: 0.05)
                gone =
                    try connection.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'"
                    ).scalar == "0"
            }
            #expect(gone, "the server should abort the dead client's migration within seconds")
            #expect(try connection.query("SELECT to_regclass('crm.half') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == "6")
            try String(contentsOfFile: slow, encoding: .utf8).replacingOccurrences(
                of: "pg_sleep(30)", with: "pg_sleep(0)"
            )
            .write(toFile: slow, atomically: true, encoding: .utf8)
            let rerun = try RGCRMProcess.run(["db", "migrate", "--database-url", url, "--migrations", migrations])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try connection.query("SELECT count(*) FROM crm.half").scalar == "1")
        }
    }

    /// The issue's case: an ABORT in an up file. verify and migrate refuse the file before touching anything.
    @Test func transactionControlInAFileIsRefusedBeforeVerifyOrMigrateTouchAnything() throws {
        try TestDatabase.with("abortcli") { url throws in
            #expect(try RGCRMProcess.run(["db", "migrate", "--database-url", url]).status == 0)
            let migrations = try TestPaths.copyOfMigrations()
            try "CREATE TABLE crm.t5(x int); ABORT; DROP VIEW crm.crm_segments;\n".write(
                toFile: migrations + "/0900_abort.up.sql", atomically: true, encoding: .utf8)
            try "DROP TABLE crm.t5;\n".write(
                toFile: migrations + "/0900_abort.down.sql", atomically: true, encoding: .utf8)
            let connection = try Connection(conninfo: url)
            let applied = try connection.query("SELECT count(*) FROM crm.schema_migrations").scalar
            for command in ["verify", "migrate"] {
                let result = try RGCRMProcess.run(["db", command, "--database-url", url, "--migrations", migrations])
                #expect(result.status == 2, "\(result.stderr)")
                #expect(
                    result.stderr
                        == "rg-crm: error: \(migrations)/0900_abort.up.sql:1:29: transaction control in a migration file (ABORT): rg-crm wraps each migration in its own transaction (use -- rg-crm:no-transaction for statements that cannot run in one)\n"
                )
                #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NOT NULL").scalar == "t")
                #expect(try connection.query("SELECT to_regclass('crm.t5') IS NULL").scalar == "t")
                #expect(try connection.query("SELECT count(*) FROM crm.schema_migrations").scalar == applied)
            }
        }
    }

    /// Bad input: one line on stderr, a non-zero exit, no stack trace, no password.
    @Test(arguments: [
        (
            ["db", "migrate", "--database-url", "postgresql://rgcrm@127.0.0.1:1/rgcrm?connect_timeout=2"], Int32(1),
            "cannot connect to PostgreSQL at 127.0.0.1:1"
        ),
        (
            ["db", "status", "--database-url", "postgresql://rgcrm:hunter2hunter2@[::1/rgcrm"], Int32(2),
            "invalid database URL"
        ),
        (
            ["db", "migrate", "--migrations", "/nonexistent"], Int32(2),
            "/nonexistent: cannot list the migrations folder"
        ),
        (["db", "rollback", "--steps", "0"], Int32(2), "--steps must be at least 1"),
        (["config", "check", "--tenant", "x'; DROP TABLE crm.crm_tenants; --"], Int32(2), "invalid tenant slug"),
        (
            ["config", "check", "--tenant", "mrdj", "--config-dir", "/nonexistent"], Int32(2),
            "no config pack for tenant 'mrdj'"
        ),
    ])
    func badInputIsOneClearLine(arguments: [String], status: Int32, message: String) throws {
        let result = try RGCRMProcess.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2hunter2"))
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        #expect(result.stderr.split(separator: "\n").count <= 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aWrongPasswordIsRefusedWithoutEchoingIt() throws {
        let base = try TestDatabase.baseURL()
        let url = base.replacingOccurrences(of: "://rgcrm@", with: "://rgcrm:wrong-pass-4711@")
        let result = try RGCRMProcess.run(["db", "migrate", "--database-url", url])
        #expect(result.status == 1)
        #expect(result.stderr.contains("password authentication failed for user \"rgcrm\""))
        #expect(result.stderr.contains("check the user and password"))
        #expect(!result.stderr.contains("wrong-pass-4711"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func databaseURLComesFromTheEnvironmentWhenNotGiven() throws {
        try TestDatabase.with("env") { url throws in
            let result = try RGCRMProcess.run(["db", "migrate"], environment: ["DATABASE_URL": url])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Connection(conninfo: url).query("SELECT count(*) FROM crm.schema_migrations").scalar == "6")
        }
    }

    @Test func aMalformedConfigFileIsNamedWithItsPosition() throws {
        let directory = try TestPaths.temporaryDirectory("cfg")
        try FileManager.default.createDirectory(atPath: directory + "/acme", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestPaths.repository("configs/tenants/mrdj/crm.json"), toPath: directory + "/acme/crm.json")
        try "{ \"slug\": \"acme\", }".write(toFile: directory + "/acme/tenant.json", atomically: true, encoding: .utf8)
        let result = try RGCRMProcess.run(["config", "check", "--tenant", "acme", "--config-dir", directory])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "rg-crm: error: \(directory)/acme/tenant.json: $: invalid JSON: expected a quoted key (line 1, column 19)\n"
        )
    }

    @Test func helpListsOnlyWorkingCommandsAndCompletionsGenerate() throws {
        let help = try RGCRMProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("config") && help.stdout.contains("db"))
        let dbHelp = try RGCRMProcess.run(["db", "--help"])
        for command in ["migrate", "status", "rollback", "verify"] { #expect(dbHelp.stdout.contains(command)) }
        let completion = try RGCRMProcess.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("_rg-crm"))
    }
}
