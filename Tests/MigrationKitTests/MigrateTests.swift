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
            connection: try Connection(conninfo: url),
            migrations: try MigrationSource.load(directory: directory ?? shipped),
            lockTimeoutSeconds: lockTimeout)
    }

    @Test func freshDatabaseGetsTheWholeSchemaAndASecondRunAppliesNothing() throws {
        try TestDatabase.with("fresh") { url throws in
            let first = try migrator(url).migrate()
            #expect(first.applied.map(\.migration.version) == [1, 2, 3, 4, 5, 6])
            let second = try migrator(url).migrate()
            #expect(second.applied.isEmpty)
            #expect(second.version == 6)
            let history = try Connection(conninfo: url).query(
                "SELECT version, name, length(checksum), applied_by FROM crm.schema_migrations ORDER BY 1")
            #expect(history.rows.map { $0[0] } == ["1", "2", "3", "4", "5", "6"])
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
                        connection: try Connection(conninfo: url),
                        migrations: try MigrationSource.load(directory: directory))
                    _ = try migrator.migrate()
                } catch {
                    errors.append("\(error)")
                }
            }
            #expect(errors.all.isEmpty)
            let counts = try Connection(conninfo: url).query(
                "SELECT version, count(*) FROM crm.schema_migrations GROUP BY 1 ORDER BY 1")
            #expect(counts.rows.map { $0[1] } == ["1", "1", "1", "1", "1", "1"])
        }
    }

    @Test func aFailingMigrationLeavesNothingOfItselfAndEarlierOnesStay() throws {
        try TestDatabase.with("fail") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            let broken = directory + "/0007_add_notes.up.sql"
            try """
            -- adds a notes table, then fails on a typo
            CREATE TABLE crm.crm_notes (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            INSERT INTO crm.crm_notes (tenant_id, id) VALUES (gen_random_uuid(), gen_random_uuid());

            ALTER TABLE crm.crm_notes ADD COLUMN body txet;
            """.write(toFile: broken, atomically: true, encoding: .utf8)
            try "DROP TABLE crm.crm_notes;\n".write(
                toFile: directory + "/0007_add_notes.down.sql", atomically: true, encoding: .utf8)

            #expect {
                try migrator(url, directory).migrate()
            } throws: { error in
                let text = "\(error)"
                return text.contains("0007_add_notes.up.sql:5:43") && text.contains("SQLSTATE 42704")
                    && text.contains("txet")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_notes') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == "6")
            #expect(try connection.query("SELECT to_regclass('crm.crm_leads') IS NOT NULL").scalar == "t")

            try String(contentsOfFile: broken, encoding: .utf8).replacingOccurrences(of: "txet", with: "text")
                .write(toFile: broken, atomically: true, encoding: .utf8)
            let fixed = try migrator(url, directory).migrate()
            #expect(fixed.applied.map(\.migration.version) == [7])
            #expect(try connection.query("SELECT count(*) FROM crm.crm_notes").scalar == "1")
        }
    }

    @Test func aChangedAppliedMigrationIsRefusedByMigrateAndVerify() throws {
        try TestDatabase.with("checksum") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            _ = try migrator(url, directory).migrate()
            let file = directory + "/0002_deal_stage_history.up.sql"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "Every stage", with: "every stage").write(
                toFile: file, atomically: true, encoding: .utf8)

            #expect {
                try migrator(url, directory).migrate()
            } throws: { "\($0)".contains("0002_deal_stage_history.up.sql: changed since version 0002 was applied") }
            let report = try migrator(url, directory).verify()
            #expect(
                report.findings.contains {
                    $0.file.hasSuffix("0002_deal_stage_history.up.sql") && $0.message.contains("checksum")
                })
            let status = try migrator(url, directory).status()
            #expect(status.applied.map(\.state) == [.ok, .changed, .ok, .ok, .ok, .ok])
        }
    }

    @Test func crlfCheckoutsKeepTheirChecksum() throws {
        try TestDatabase.with("crlf") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            _ = try migrator(url, directory).migrate()
            for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
                let path = directory + "/" + file
                let text = try String(contentsOfFile: path, encoding: .utf8)
                try text.replacingOccurrences(of: "\n", with: "\r\n").write(
                    toFile: path, atomically: true, encoding: .utf8)
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
            #expect(undone.map(\.version) == [6, 5, 4, 3, 2, 1])
            let connection = try Connection(conninfo: url)
            let objects = try connection.query(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'crm'")
            #expect(objects.scalar == "0")
            #expect(try migrator(url).status().applied.isEmpty)
            #expect(try migrator(url).migrate().applied.count == 6)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NOT NULL").scalar == "t")
        }
    }

    @Test func rollbackByStepsUndoesTheNewestOnly() throws {
        try TestDatabase.with("steps") { url throws in
            _ = try migrator(url).migrate()
            #expect(try migrator(url).rollback(.steps(4)).map(\.version) == [6, 5, 4, 3])
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT to_regclass('crm.crm_deal_stage_history') IS NOT NULL").scalar == "t")
            #expect(try migrator(url).status().pending.map(\.version) == [3, 4, 5, 6])
            #expect(try migrator(url).rollback(.steps(5), dryRun: true).map(\.version) == [2, 1])
        }
    }

    @Test func migrateToAVersionStopsThere() throws {
        try TestDatabase.with("to") { url throws in
            #expect(try migrator(url).migrate(to: 2).applied.map(\.migration.version) == [1, 2])
            #expect { try migrator(url).migrate(to: 1) } throws: { "\($0)".contains("use db rollback") }
            #expect(try migrator(url).migrate().applied.map(\.migration.version) == [3, 4, 5, 6])
        }
    }

    @Test func dryRunChangesNothing() throws {
        try TestDatabase.with("dry") { url throws in
            let report = try migrator(url).migrate(dryRun: true)
            #expect(report.plannedSQL.map(\.version) == [1, 2, 3, 4, 5, 6])
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'crm'").scalar == "0")
        }
    }

    @Test func verifyPassesOnTheShippedMigrationsAndTouchesNoData() throws {
        try TestDatabase.with("verify") { url throws in
            let empty = try migrator(url).verify()
            #expect(empty.findings.isEmpty)
            #expect(empty.verified.map(\.version) == [1, 2, 3, 4, 5, 6])

            _ = try migrator(url).migrate()
            let connection = try Connection(conninfo: url)
            try connection.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('keepme', 'Keep Me', 'keep.example.nl')")
            let report = try migrator(url).verify()
            #expect(report.findings.isEmpty)
            #expect(try connection.query("SELECT slug FROM crm.crm_tenants").rows == [["keepme"]])
            #expect(try connection.query("SELECT count(*) FROM crm.schema_migrations").scalar == "6")
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
            try holder.query(
                "SELECT pg_advisory_lock($1::bigint)",
                [String(Migrator.lockKey(database: try TestDatabase.databaseNameForTests(url)))])
            var waited = false
            #expect {
                try migrator(url, lockTimeout: 1).migrate { if case .waitingForLock = $0 { waited = true } }
            } throws: { "\($0)".contains("holds the migration lock") && "\($0)".contains("1 s") }
            #expect(waited)
            try holder.query("SELECT pg_advisory_unlock_all()")
            #expect(try migrator(url, lockTimeout: 1).migrate().applied.count == 6)
        }
    }

    @Test func aNonTransactionalMigrationCanCreateAnIndexConcurrently() throws {
        try TestDatabase.with("concurrently") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            -- rg-crm:no-transaction
            CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_tenant_campaign ON crm.crm_leads (tenant_id, campaign);
            """.write(toFile: directory + "/0007_leads_campaign_index.up.sql", atomically: true, encoding: .utf8)
            try "DROP INDEX crm.idx_leads_tenant_campaign;\n".write(
                toFile: directory + "/0007_leads_campaign_index.down.sql", atomically: true, encoding: .utf8)
            let report = try migrator(url, directory).migrate()
            #expect(report.applied.map(\.migration.version) == [1, 2, 3, 4, 5, 6, 7])
            #expect(
                try Connection(conninfo: url).query("SELECT to_regclass('crm.idx_leads_tenant_campaign') IS NOT NULL")
                    .scalar == "t")
        }
    }

    // MARK: - Transaction control

    /// A migration the file parser never saw, as if it had let a statement through: the engine's own check
    /// of the session's transaction state after every statement must stop it.
    func unchecked(_ up: String, down: String = "SELECT 1;") -> Migration {
        Migration(
            version: 900, name: "unchecked", upPath: "db/migrations/0900_unchecked.up.sql",
            downPath: "db/migrations/0900_unchecked.down.sql", upSQL: up, downSQL: down,
            checksum: Migration.checksum(of: up),
            transactional: true)
    }

    @Test(arguments: ["ABORT", "rollback work", "COMMIT", "END", "COMMIT AND CHAIN", "ROLLBACK AND CHAIN"])
    func migrateStopsAtAStatementThatEndsItsTransactionAndRecordsNothing(_ control: String) throws {
        try TestDatabase.with("txend") { url throws in
            let available = try MigrationSource.load(directory: shipped)
            _ = try migrator(url).migrate()
            let rogue = unchecked("CREATE TABLE crm.t5 (x int);\n\(control);\nCREATE TABLE crm.t6 (x int);\n")
            let engine = Migrator(connection: try Connection(conninfo: url), migrations: available + [rogue])
            #expect { try engine.migrate() } throws: {
                "\($0)".contains(
                    "db/migrations/0900_unchecked.up.sql:2:1: this statement ended the transaction rg-crm opened")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.t6') IS NULL").scalar == "t")
            #expect(
                try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar
                    == String(available.last!.version))
            if !control.lowercased().hasPrefix("commit") && !control.hasPrefix("END") {
                #expect(try connection.query("SELECT to_regclass('crm.t5') IS NULL").scalar == "t")
            }
            // The run is over: no transaction left open, and the lock is free for the next run.
            #expect(try migrator(url, lockTimeout: 1).migrate().applied.isEmpty)
        }
    }

    /// In a non-transactional file the session must stay outside any transaction after every statement.
    @Test(arguments: ["BEGIN", "START TRANSACTION"])
    func aNonTransactionalMigrationThatOpensATransactionIsStopped(_ control: String) throws {
        try TestDatabase.with("txopen") { url throws in
            let available = try MigrationSource.load(directory: shipped)
            _ = try migrator(url).migrate()
            var rogue = unchecked("-- rg-crm:no-transaction\n\(control);\nCREATE TABLE crm.t5 (x int);\n")
            rogue.transactional = false
            let engine = Migrator(connection: try Connection(conninfo: url), migrations: available + [rogue])
            #expect { try engine.migrate() } throws: {
                "\($0)".contains(
                    "0900_unchecked.up.sql:2:1: this statement left a transaction open in a non-transactional migration"
                )
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.t5') IS NULL").scalar == "t")
            #expect(
                try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar
                    == String(available.last!.version))
        }
    }

    /// The case: verify must touch nothing even when a statement ends its transaction.
    @Test(arguments: ["ABORT", "ROLLBACK", "ROLLBACK AND CHAIN", "abort/**/work"])
    func verifyStopsAtAStatementThatEndsItsTransactionAndTheLiveSchemaStays(_ control: String) throws {
        try TestDatabase.with("verifyend") { url throws in
            let available = try MigrationSource.load(directory: shipped)
            _ = try migrator(url).migrate()
            let rogue = unchecked(
                "CREATE TABLE crm.t5 (x int);\n\(control);\nDROP VIEW crm.crm_segments;\n", down: "DROP TABLE crm.t5;")
            let engine = Migrator(connection: try Connection(conninfo: url), migrations: available + [rogue])
            #expect { try engine.verify() } throws: {
                "\($0)".contains("0900_unchecked.up.sql:2:1: this statement ended the transaction")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NOT NULL").scalar == "t")
            #expect(try connection.query("SELECT to_regclass('crm.t5') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'crm%'").scalar == "1")
            #expect(
                try connection.query("SELECT count(*) FROM crm.schema_migrations").scalar == String(available.count))
        }
    }

    /// Several statements in one send would let one the parser missed through: each statement travels alone,
    /// so the server refuses the text. (`crm.begin` makes the statement look like a BEGIN ATOMIC body to the
    /// splitter, as it does to psql's, which would then run all three.)
    @Test func statementsTheSplitterCannotSeparateAreRefusedByTheServerNotRun() throws {
        try TestDatabase.with("onesend") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try
                "CREATE FUNCTION crm.begin() RETURNS int LANGUAGE sql AS 'select 1';\nCOMMIT;\nDROP VIEW crm.crm_segments;\n"
                .write(
                    toFile: directory + "/0900_merged.up.sql", atomically: true, encoding: .utf8)
            try "DROP FUNCTION crm.begin();\n".write(
                toFile: directory + "/0900_merged.down.sql", atomically: true, encoding: .utf8)
            let head = try MigrationSource.load(directory: shipped).last!.version
            _ = try migrator(url, directory).migrate(to: head)
            let refusal = "cannot insert multiple commands into a prepared statement (SQLSTATE 42601)"
            let report = try migrator(url, directory).verify()
            #expect(
                report.findings.contains { $0.file.hasSuffix("0900_merged.up.sql") && $0.message.contains(refusal) })
            #expect { try migrator(url, directory).migrate() } throws: {
                "\($0)".contains("0900_merged.up.sql:1:1: \(refusal)")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.crm_segments') IS NOT NULL").scalar == "t")
            #expect(try connection.query("SELECT to_regprocedure('crm.begin()') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == String(head))
        }
    }

    /// DO and CALL pass the parser; committing inside rg-crm's transaction is refused by the server itself.
    @Test(arguments: [
        "DO $$ BEGIN CREATE TABLE crm.t5 (x int); COMMIT; END $$;",
        "CREATE PROCEDURE crm.p() LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE crm.t5 (x int); COMMIT; END $$;\nCALL crm.p();",
    ])
    func aRoutineThatCommitsFailsInsideTheMigrationAndNothingRemains(_ up: String) throws {
        try TestDatabase.with("routine") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try up.write(toFile: directory + "/0900_routine.up.sql", atomically: true, encoding: .utf8)
            try "DROP PROCEDURE IF EXISTS crm.p();\n".write(
                toFile: directory + "/0900_routine.down.sql", atomically: true, encoding: .utf8)
            let head = try MigrationSource.load(directory: shipped).last!.version
            let report = try migrator(url, directory).verify()
            #expect(
                report.findings.contains { $0.message.contains("invalid transaction termination (SQLSTATE 2D000)") })
            #expect { try migrator(url, directory).migrate() } throws: {
                "\($0)".contains("invalid transaction termination (SQLSTATE 2D000)")
            }
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT to_regclass('crm.t5') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == String(head))
        }
    }

    @Test func aProcedureMayCommitInANonTransactionalMigration() throws {
        try TestDatabase.with("proccommit") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            -- rg-crm:no-transaction
            CREATE PROCEDURE crm.p() LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE crm.t5 (x int); COMMIT; INSERT INTO crm.t5 VALUES (1); END $$;
            CALL crm.p();
            """.write(toFile: directory + "/0900_proc.up.sql", atomically: true, encoding: .utf8)
            try "DROP TABLE crm.t5;\nDROP PROCEDURE crm.p();\n".write(
                toFile: directory + "/0900_proc.down.sql", atomically: true, encoding: .utf8)
            #expect(try migrator(url, directory).migrate().applied.last?.migration.version == 900)
            #expect(try Connection(conninfo: url).query("SELECT count(*) FROM crm.t5").scalar == "1")
        }
    }

    // MARK: - SQL-standard function bodies

    @Test func beginAtomicFunctionsAndProceduresApplyVerifyAndRollBack() throws {
        try TestDatabase.with("atomic") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            CREATE TABLE crm.atomic_log (x int NOT NULL);

            CREATE FUNCTION crm.log_twice(a int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              INSERT INTO crm.atomic_log VALUES (a);
              INSERT INTO crm.atomic_log VALUES (a + 1);
              SELECT CASE WHEN a > 0 THEN (SELECT sum(x) FROM crm.atomic_log)::int ELSE 0 END;
            END;

            CREATE OR REPLACE PROCEDURE crm.log_and_trim(a int) LANGUAGE sql
            begin atomic
              insert into crm.atomic_log values (a);
              delete from crm.atomic_log where x < 0;
            end;
            """.write(toFile: directory + "/0900_atomic.up.sql", atomically: true, encoding: .utf8)
            try "DROP PROCEDURE crm.log_and_trim(int);\nDROP FUNCTION crm.log_twice(int);\nDROP TABLE crm.atomic_log;\n"
                .write(
                    toFile: directory + "/0900_atomic.down.sql", atomically: true, encoding: .utf8)
            let report = try migrator(url, directory).verify()
            #expect(report.findings.map(\.description) == [])
            #expect(report.verified.last?.version == 900)
            #expect(try migrator(url, directory).migrate().applied.last?.migration.version == 900)
            let connection = try Connection(conninfo: url)
            #expect(try connection.query("SELECT crm.log_twice(1)").scalar == "3")
            try connection.query("INSERT INTO crm.atomic_log VALUES (-5)")
            try connection.query("CALL crm.log_and_trim(7)")
            #expect(
                try connection.query("SELECT string_agg(x::text, ',' ORDER BY x) FROM crm.atomic_log").scalar == "1,2,7"
            )
            #expect(try migrator(url, directory).rollback(.steps(1)).map(\.version) == [900])
            #expect(try connection.query("SELECT to_regclass('crm.atomic_log') IS NULL").scalar == "t")
        }
    }

    // MARK: - Non-transactional down files

    @Test func aConcurrentlyBuiltIndexRollsBackWithANonTransactionalDown() throws {
        try TestDatabase.with("downconc") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try """
            -- rg-crm:no-transaction
            CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_tenant_campaign ON crm.crm_leads (tenant_id, campaign);
            """.write(toFile: directory + "/0900_leads_campaign_index.up.sql", atomically: true, encoding: .utf8)
            try """
            -- rg-crm:no-transaction
            DROP INDEX CONCURRENTLY IF EXISTS crm.idx_leads_tenant_campaign;
            """.write(toFile: directory + "/0900_leads_campaign_index.down.sql", atomically: true, encoding: .utf8)
            let head = try MigrationSource.load(directory: shipped).last!.version
            #expect(try migrator(url, directory).migrate().applied.last?.migration.version == 900)
            let connection = try Connection(conninfo: url)
            #expect(
                try connection.query("SELECT to_regclass('crm.idx_leads_tenant_campaign') IS NOT NULL").scalar == "t")
            #expect(try migrator(url, directory).rollback(.steps(1)).map(\.version) == [900])
            #expect(try connection.query("SELECT to_regclass('crm.idx_leads_tenant_campaign') IS NULL").scalar == "t")
            #expect(try connection.query("SELECT max(version) FROM crm.schema_migrations").scalar == String(head))
            let verify = try migrator(url, directory).verify()
            #expect(verify.findings.isEmpty && verify.skipped.map(\.version) == [900])
        }
    }

    /// A transactional up with a non-transactional down cannot be replayed either: verify says so, it does not fail.
    @Test func verifySkipsAVersionWhoseDownIsNonTransactional() throws {
        try TestDatabase.with("downskip") { url throws in
            let directory = try TestPaths.copyOfMigrations()
            try "CREATE INDEX idx_leads_campaign ON crm.crm_leads (campaign);\n".write(
                toFile: directory + "/0900_idx.up.sql", atomically: true, encoding: .utf8)
            try "-- rg-crm:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS crm.idx_leads_campaign;\n".write(
                toFile: directory + "/0900_idx.down.sql", atomically: true, encoding: .utf8)
            let report = try migrator(url, directory).verify()
            #expect(report.findings.map(\.description) == [])
            #expect(report.skipped.map(\.version) == [900])
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
