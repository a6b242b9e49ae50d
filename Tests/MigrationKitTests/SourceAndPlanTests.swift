import Foundation
import TestSupport
import Testing

@testable import MigrationKit

@Suite struct SourceAndPlanTests {
    @Test func checksumsIgnoreLineEndings() {
        #expect(Migration.checksum(of: "a\nb\n") == Migration.checksum(of: "a\r\nb\r\n"))
        #expect(Migration.checksum(of: "a\nb\n") == Migration.checksum(of: "a\rb\r"))
        #expect(Migration.checksum(of: "a\nb\n") != Migration.checksum(of: "a\nB\n"))
    }

    @Test func theShippedFolderLoadsInOrder() throws {
        let migrations = try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
        #expect(migrations.map(\.id) == ["0001_crm_core", "0002_deal_stage_history", "0003_read_models", "0004_tenant_isolation", "0005_tenant_role_hardening"])
        #expect(migrations.allSatisfy { $0.transactional })
    }

    func folder(_ files: [String: String]) throws -> String {
        let directory = try TestPaths.temporaryDirectory("source")
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    @Test(arguments: [
        (["0001_a.up.sql": "SELECT 1;"], "0001_a.down.sql: missing: every version needs a down file"),
        (["1_Bad-Name.up.sql": ""], "1_Bad-Name.up.sql: not a migration file name"),
        (["0001_a.up.sql": "", "0001_a.down.sql": "", "0001_b.up.sql": ""], "version 0001 is used by two names"),
        (["0001_a.up.sql": "CREATE TABLE x ();\nCOMMIT;", "0001_a.down.sql": ""], "0001_a.up.sql:2:1: transaction control in a migration file"),
    ])
    func malformedFoldersAreRefusedNamingTheFile(files: [String: String], message: String) throws {
        let directory = try folder(files)
        #expect { try MigrationSource.load(directory: directory) } throws: { "\($0)".contains(message) }
    }

    @Test func theNoTransactionDirectiveIsRead() throws {
        let directory = try folder([
            "0001_idx.up.sql": "-- rg-crm:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);", "0001_idx.down.sql": "DROP INDEX i;",
        ])
        #expect(try MigrationSource.load(directory: directory).first?.transactional == false)
    }

    func migration(_ version: Int, _ text: String = "") -> Migration {
        Migration(
            version: version, name: "m\(version)", upPath: "db/migrations/\(version).up.sql", downPath: "", upSQL: text, downSQL: "",
            checksum: Migration.checksum(of: text), transactional: true)
    }

    func applied(_ migration: Migration, checksum: String? = nil) -> AppliedMigration {
        AppliedMigration(
            version: migration.version, name: migration.name, checksum: checksum ?? migration.checksum, appliedAt: "", executionMilliseconds: 0,
            appliedBy: "")
    }

    @Test func planning() throws {
        let all = [migration(1), migration(2), migration(3)]
        #expect(try MigrationPlanner.pending(applied: [applied(all[0])], available: all, target: nil).map(\.version) == [2, 3])
        #expect(try MigrationPlanner.pending(applied: [], available: all, target: 2).map(\.version) == [1, 2])
        #expect(throws: MigrationError.self) { try MigrationPlanner.pending(applied: [], available: all, target: 7) }
        // A new file numbered below the applied head is refused, not silently applied out of order.
        #expect { try MigrationPlanner.pending(applied: [applied(all[0]), applied(all[2])], available: all, target: nil) } throws: {
            "\($0)".contains("is older than the latest applied version 0003")
        }
        #expect { try MigrationPlanner.pending(applied: [applied(all[0], checksum: "x")], available: all, target: nil) } throws: {
            "\($0)".contains("changed since version 0001 was applied")
        }
        let rows = all.map { applied($0) }
        #expect(try MigrationPlanner.rollback(applied: rows, available: all, target: .steps(2)).map(\.version) == [3, 2])
        #expect(try MigrationPlanner.rollback(applied: rows, available: all, target: .version(0)).map(\.version) == [3, 2, 1])
        #expect(try MigrationPlanner.rollback(applied: rows, available: all, target: .version(3)).isEmpty)
        #expect(throws: MigrationError.self) { try MigrationPlanner.rollback(applied: rows, available: all, target: .version(9)) }
    }
}
