import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import MigrationKit

/// The engine against the real PostgreSQL: each test gets its own empty database.
@Suite struct MigrateTests {
    let shipped = TestPaths.repository("db/migrations")

    func migrator(_ url: String, _ directory: String? = nil, lockTimeout: Int = 60) throws -> Migrator {
        Migrator(
            connection: try Connection(conninfo: url), migrations: try MigrationSource.load(directory: directory ?? shipped),
            lockTimeoutSeconds: lockTimeout)
    }

    @Test func freshDatabaseGetsTheWholeSchemaAndASecondRunAppliesNothing() throws {
        try TestDatabase.with("fresh") { url throws in
            let first = try migrator(url).migrate()
            #expect(first.applied.map(\.migration.version) == [1, 2, 3, 4, 5])
            let second = try migrator(url).migrate()
            #expect(second.applied.isEmpty)
            #expect(second.version == 5)
            let history = try Connection(conninfo: url).query("SELECT version, name, length(checksum), applied_by FROM crm.schema_migrations ORDER BY 1")
            #expect(history.rows.map { $0[0] } == ["1", "2", "3", "4", "5"])
            #expect(history.rows.allSatisfy { $0[2] == "64" && $0[3] == "rgcrm" })
        }
    }

    @Test func historyRowsAreExactlyOnceAfterConcurrentRunsInProcess() throws {
        // The process-level race is in CLITests; this one races four connections on threads.
        try TestDatabase.with("race") { url throws in
            let directory = shipped
            let errors = LockedErrors()
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do {
                    let migrator = Migrator(
                        connection: try Connection(conninfo: url), migrations: try MigrationSource.load(directory: directory))
                    _ = try migrator.migrate()
                } catch {
                    errors.append("\(error)")
                }
            }
            #expect(errors.all.isEmpty)
            let counts = try Connection(conninfo: url).query("SELECT version, count(*) FROM crm.schema_migrations GROUP BY 1 ORDER BY 1")
            #expect(counts.rows.map { $0[1] } == ["1", "1", "1", "1", "1"])
        }
    }

    @Test func aFailingMigrationLeavesNothingOfItselfAndEarlierOnesStay() throws {
        try TestDatabase.with("fail") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            let broken = directory + "/0006_add_notes.up.sql"
            try """
            -- adds a notes table, then fails on a typo
            CREATE TABLE crm.crm_notes (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            INSERT INTO crm.crm_notes (tenant_id, id) VALUES (gen_random_uuid(), gen_random_uuid());

            ALTER TABLE crm.crm_notes ADD COLUMN body txet;
            """.write(toFile: broken, atomically: true, encoding: .utf8)
            try "DROP TABLE crm.crm_notes;\n".write(toFile: directory + "/0006_add_notes.down.sql", atomically: true, encoding: .utf8)

            #expect {
                try migrator(url, directory).migrate()
            } throws: { error in
                let text = "\(error)"
                return text.contains("0006_add_notes.up.sql:5:43") && text.contains("SQLSTATE 42704") && text.contains("txet")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_notes') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == "5")
            #expect(try connection.query("SELECT to_regclass('crm.crm_leads') IS NOT NULL").scalar == "t")

            try String(contentsOfFile: broken, encoding: .utf8).replacingOccurrences(of: "txet", with: "text")
                .write(toFile: broken, atomically: true, encoding: .utf8)
            let fixed = try migrator(url, directory).migrate()
            #expect(fixed.applied.map(\.migration.version) == [6])
            #expect(try connection.query("SELECT count(*) FROM crm.crm_notes").scalar == "1")
        }
    }

    @Test func aChangedAppliedMigrationIsRefusedByMigrateAndVerify() throws {
        try TestDatabase.with("checksum") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            _ = try migrator(url, directory).migrate()
            let file = directory + "/0002_deal_stage_history.up.sql"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "Every stage", with: "every stage").write(toFile: file, atomically: true, encoding: .utf8)

            #expect {
                try migrator(url, directory).migrate()
            } throws: { "\($0)".contains("0002_deal_stage_history.up.sql: changed since version 0002 was applied") }
            let report = try migrator(url, directory).verify()
            #expect(report.findings.contains { $0.file.hasSuffix("0002_deal_stage_history.up.sql") && $0.message.contains("checksum") })
            let status = try migrator(url, directory).status()
            #expect(status.applied.map(\.state) == [.ok, .changed, .ok, .ok, .ok])
        }
    }

    @Test func crlfCheckoutsKeepTheirChecksum() throws {
        try TestDatabase.with("crlf") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            _ = try migrator(url, directory).migrate()
            for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
                let path = directory + "/" + file
                let text = try String(contentsOfFile: path, encoding: .utf8)
                try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
            }
            let again = try migrator(url, directory).migrate()
            #expect(again.applied.isEmpty)
        }
    }

    @Test func aMissingAppliedFileIsNamed() throws {
        try TestDatabase.with("missing") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            _ = try migrator(url, directory).migrate()
            try FileManager.default.removeItem(atPath: directory + "/0003_read_models.up.sql")
            try FileManager.default.removeItem(atPath: directory + "/0003_read_models.down.sql")
            #expect { try migrator(url, directory).migrate() } throws: {
                "\($0)" == "migration 0003_read_models is applied but its file is missing from the migrations folder"
            }
        }
    }

    @Test func rollbackToZeroEmptiesTheSchemaAndMigrateRestoresIt() throws {
        try TestDatabase.with("rollback") { url throws in
            _ = try migrator(url).migrate()
            let undone = try migrator(url).rollback(.version(0))
            #expect(undone.map(\.version) == [5, 4, 3, 2, 1])
            let connection = try Connection(conninfo: url)
            let objects = try connection.query(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'crm'")
            #expect(objects.scalar == "0")
            #expect(try migrator(url).status().applied.isEmpty)
            #expect(try migrator(url).migrate().applied.count == 5)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NOT NULL").scalar == "t")
        }
    }

    @Test func rollbackByStepsUndoesTheNewestOnly() throws {
        try TestDatabase.with("steps") { url throws in
            _ = try migrator(url).migrate()
            #expect(try migrator(url).rollback(.steps(3)).map(\.version) == [5, 4, 3])
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT to_regclass('crm.crm_deal_stage_history') IS NOT NULL").scalar == "t")
            #expect(try migrator(url).status().pending.map(\.version) == [3, 4, 5])
            #expect(try migrator(url).rollback(.steps(5), dryRun: true).map(\.version) == [2, 1])
        }
    }

    @Test func migrateToAVersionStopsThere() throws {
        try TestDatabase.with("to") { url throws in
            #expect(try migrator(url).migrate(to: 2).applied.map(\.migration.version) == [1, 2])
            #expect { try migrator(url).migrate(to: 1) } throws: { "\($0)".contains("use db rollback") }
            #expect(try migrator(url).migrate().applied.map(\.migration.version) == [3, 4, 5])
        }
    }

    @Test func dryRunChangesNothing() throws {
        try TestDatabase.with("dry") { url throws in
            let report = try migrator(url).migrate(dryRun: true)
            #expect(report.plannedSQL.map(\.version) == [1, 2, 3, 4, 5])
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'crm'").scalar == "0")
        }
    }

    @Test func verifyPassesOnTheShippedMigrationsAndTouchesNoData() throws {
        try TestDatabase.with("verify") { url throws in
            let empty = try migrator(url).verify()
            #expect(empty.findings.isEmpty)
            #expect(empty.verified.map(\.version) == [1, 2, 3, 4, 5])

            _ = try migrator(url).migrate()
            let connection = try Connection(conninfo: url)
            try connection.query("INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('keepme', 'Keep Me', 'keep.example.nl')")
            let report = try migrator(url).verify()
            #expect(report.findings.isEmpty)
            #expect(try connection.query("SELECT slug FROM crm.crm_tenants").rows == [["keepme"]])
            #expect(try connection.query("SELECT count(*) FROM crm.schema_migrations").scalar == "5")
        }
    }

    @Test func verifyFailsOnADownThatForgetsSomething() throws {
        try TestDatabase.with("forgetful") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            DROP TRIGGER crm_deals_record_stage ON crm.crm_deals;
            DROP TABLE crm.crm_deal_stage_history;
            """.write(toFile: directory + "/0002_deal_stage_history.down.sql", atomically: true, encoding: .utf8)
            let report = try migrator(url, directory).verify()
            let finding = try #require(report.findings.first)
            #expect(finding.file.hasSuffix("0002_deal_stage_history.down.sql"))
            #expect(finding.message.contains("leaves behind function record_deal_stage()"))
            #expect(report.verified.map(\.version) == [1])
        }
    }

    @Test func aHeldLockMakesAnotherRunWaitThenGiveUpClearly() throws {
        try TestDatabase.with("lock") { url throws in
            let holder = try Connection(conninfo: url)
            try holder.query("SELECT pg_advisory_lock($1::bigint)", [String(Migrator.lockKey(database: try TestDatabase.databaseNameForTests(url)))])
            var waited = false
            #expect {
                try migrator(url, lockTimeout: 1).migrate { if case .waitingForLock = $0 { waited = true } }
            } throws: { "\($0)".contains("holds the migration lock") && "\($0)".contains("1 s") }
            #expect(waited)
            try holder.query("SELECT pg_advisory_unlock_all()")
            #expect(try migrator(url, lockTimeout: 1).migrate().applied.count == 5)
        }
    }

    @Test func aNonTransactionalMigrationCanCreateAnIndexConcurrently() throws {
        try TestDatabase.with("concurrently") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            -- rg-crm:no-transaction
            CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_tenant_campaign ON crm.crm_leads (tenant_id, campaign);
            """.write(toFile: directory + "/0006_leads_campaign_index.up.sql", atomically: true, encoding: .utf8)
            try "DROP INDEX crm.idx_leads_tenant_campaign;\n".write(
                toFile: directory + "/0006_leads_campaign_index.down.sql", atomically: true, encoding: .utf8)
            let report = try migrator(url, directory).migrate()
            #expect(report.applied.map(\.migration.version) == [1, 2, 3, 4, 5, 6])
            #expect(try Connection(conninfo: url).query("SELECT to_regclass('crm.idx_leads_tenant_campaign') IS NOT NULL").scalar == "t")
        }
    }
}

final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}

extension TestDatabase {
    static func databaseNameForTests(_ url: String) throws -> String {
        try #require(url.split(separator: "/").last.map { String($0.prefix { $0 != "?" }) })
    }
}
