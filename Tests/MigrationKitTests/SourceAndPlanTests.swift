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

    /// The checksum recorded in every applied history row: SHA-256 of the up file with line endings made LF.
    /// Pinned to a digest computed outside Swift (`printf 'CREATE TABLE …\n' | sha256sum`): a change to the hash or
    /// to the normalisation would orphan every applied history row, and must fail here, not in production.
    static let pinnedText = "CREATE TABLE crm.checksum_probe (\n    id bigint PRIMARY KEY\n);\n"
    static let pinnedDigest = "73a017f52e6b04c8531edd4624add9ce5d55467ac7111e4a26342ed3a71ecbbc"

    @Test func checksumIsPinnedToAKnownSHA256ForLFAndCRLF() throws {
        let crlf = Self.pinnedText.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(crlf != Self.pinnedText)
        #expect(Migration.checksum(of: Self.pinnedText) == Self.pinnedDigest)
        #expect(Migration.checksum(of: crlf) == Self.pinnedDigest)
        // And as loaded from files, which is where applied checksums come from.
        for text in [Self.pinnedText, crlf] {
            let directory = try folder([
                "0001_probe.up.sql": text, "0001_probe.down.sql": "DROP TABLE crm.checksum_probe;\n",
            ])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            #expect(try MigrationSource.load(directory: directory).map(\.checksum) == [Self.pinnedDigest])
        }
    }

    @Test func theShippedFolderLoadsInOrder() throws {
        let migrations = try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
        #expect(
            migrations.map(\.id) == [
                "0001_crm_core", "0002_deal_stage_history", "0003_read_models", "0004_tenant_isolation",
                "0005_tenant_role_hardening", "0006_dashboard_read_models",
            ])
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
        (
            ["0001_a.up.sql": "CREATE TABLE x ();\nCOMMIT;", "0001_a.down.sql": ""],
            "0001_a.up.sql:2:1: transaction control in a migration file"
        ),
    ])
    func malformedFoldersAreRefusedNamingTheFile(files: [String: String], message: String) throws {
        let directory = try folder(files)
        #expect { try MigrationSource.load(directory: directory) } throws: { "\($0)".contains(message) }
    }

    /// Every transaction-control statement PostgreSQL has, in its spellings: refused in up and down files,
    /// transactional or not, naming the statement's line and column.
    static let transactionControl = [
        "BEGIN", "begin work", "BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE", "Begin Read Only",
        "START TRANSACTION", "start transaction read only",
        "COMMIT", "commit work", "Commit Transaction", "COMMIT AND CHAIN", "COMMIT AND NO CHAIN", "COMMIT/**/",
        "-- x\nCOMMIT",
        "/* a /* nested */ comment */ CoMmIt", "END", "end work", "END TRANSACTION AND CHAIN",
        "ROLLBACK", "rollback work", "ROLLBACK AND CHAIN", "ABORT", "abort transaction", "ABORT AND CHAIN",
        "SAVEPOINT s", "RELEASE s", "RELEASE SAVEPOINT s", "ROLLBACK TO s", "ROLLBACK TO SAVEPOINT s",
        "ROLLBACK WORK TO SAVEPOINT s", "rollback/* c */to/* c */s",
        "PREPARE TRANSACTION 'x'", "prepare/**/transaction 'x'", "COMMIT PREPARED 'x'", "ROLLBACK PREPARED 'x'",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "set local transaction read only",
        "SET SESSION TRANSACTION READ WRITE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "SET SESSION SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET transaction_read_only = on", "SET \"Transaction_Isolation\" TO 'serializable'",
        "set local default_transaction_read_only to on", "SET default_transaction_deferrable = true",
        "RESET default_transaction_isolation",
        // The same settings for every later session, or through the function behind SET.
        "ALTER ROLE CURRENT_USER SET default_transaction_read_only = on",
        "alter user \"rgcrm\" set transaction_isolation to 'serializable'",
        "ALTER ROLE ALL IN DATABASE crm SET default_transaction_deferrable = on",
        "ALTER DATABASE crm SET default_transaction_read_only TO on",
        "ALTER ROLE CURRENT_USER RESET default_transaction_read_only",
        "SELECT set_config('default_transaction_read_only', 'on', false)",
        "SELECT pg_catalog.SET_CONFIG('transaction_read_only', 'on', true)",
        // Split where psql splits: `xe` is an identifier, so '\' is a whole standard string and COMMIT a statement.
        "SELECT xe'\\'; COMMIT",
    ]

    @Test(arguments: transactionControl)
    func transactionControlIsRefusedWithItsPosition(_ statement: String) throws {
        let line = 2 + statement.filter { $0 == "\n" }.count
        let column = statement.hasPrefix("SELECT xe") ? 15 : statement.hasPrefix("/*") ? 30 : 1
        for (up, down, refused) in [
            ("CREATE TABLE x (a int);\n\(statement);\nSELECT 1;\n", "DROP TABLE x;", "0001_a.up.sql"),
            ("CREATE TABLE x (a int);", "DROP TABLE x;\n\(statement);\n", "0001_a.down.sql"),
            ("-- rg-crm:no-transaction\n\(statement);\n", "SELECT 1;", "0001_a.up.sql"),
        ] {
            let directory = try folder(["0001_a.up.sql": up, "0001_a.down.sql": down])
            #expect { try MigrationSource.load(directory: directory) } throws: {
                "\($0)".contains("\(refused):\(line):\(column): transaction control in a migration file")
            }
        }
    }

    /// Statements that look like transaction control but are not, or that the server itself refuses inside
    /// a transaction (DO and CALL that commit fail there with "invalid transaction termination").
    @Test(arguments: [
        "SELECT 1", "PREPARE p AS SELECT 1", "SET search_path = crm", "SET LOCAL statement_timeout = '5s'",
        "SET CONSTRAINTS ALL IMMEDIATE", "SET SESSION AUTHORIZATION DEFAULT", "CALL crm.p()",
        "DO $$ BEGIN COMMIT; END $$",
        "SELECT 'COMMIT'", "CREATE TABLE commit_log (begin_at int, \"end\" int)", "SELECT 1 AS \"commit\"",
        "ALTER ROLE CURRENT_USER SET search_path = crm", "ALTER TABLE crm.t SET (fillfactor = 90)",
        "SELECT set_config('search_path', 'crm', true)",
    ])
    func lookalikesAreNotTransactionControl(_ statement: String) throws {
        let directory = try folder(["0001_a.up.sql": "\(statement);\n", "0001_a.down.sql": "SELECT 1;"])
        #expect(try MigrationSource.load(directory: directory).count == 1)
    }

    @Test func aSQLStandardFunctionBodyIsOneStatementAndItsEndIsNotTransactionControl() throws {
        let directory = try folder([
            "0001_a.up.sql": """
            CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              SELECT 1;
              SELECT CASE WHEN a > 0 THEN a END;
            END;
            CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
            """,
            "0001_a.down.sql": "DROP PROCEDURE p;\nDROP FUNCTION f;",
        ])
        let migration = try #require(try MigrationSource.load(directory: directory).first)
        #expect(SQLScript.statements(migration.upSQL).map(\.position.line) == [1, 6])
    }

    @Test func aPsqlMetaCommandIsRefusedWithItsPosition() throws {
        let directory = try folder([
            "0001_a.up.sql": "SELECT 1;\n  \\c other\nSELECT '\\not one';", "0001_a.down.sql": "SELECT 1;",
        ])
        #expect { try MigrationSource.load(directory: directory) } throws: {
            "\($0)".contains("0001_a.up.sql:2:3: a backslash outside quotes is a psql meta-command")
        }
    }

    /// Lines end at LF, CRLF or a lone CR (as editors and the server's lexer end them), for every position a
    /// migration file's error names.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func errorPositionsCountCRLFAndLoneCRLineBreaks(_ newline: String) throws {
        let meta = try folder([
            "0001_a.up.sql": ["SELECT 'ë€😀';", "  \\c other"].joined(separator: newline), "0001_a.down.sql": "",
        ])
        #expect { try MigrationSource.load(directory: meta) } throws: {
            "\($0)".contains("0001_a.up.sql:2:3: a backslash outside quotes is a psql meta-command")
        }
        let commit = try folder([
            "0001_a.up.sql": ["-- ë", "SELECT 1;", "SELECT '😀'; COMMIT;"].joined(separator: newline),
            "0001_a.down.sql": "",
        ])
        #expect { try MigrationSource.load(directory: commit) } throws: {
            "\($0)".contains("0001_a.up.sql:3:13: transaction control in a migration file")
        }
    }

    /// A version is its number: two spellings of one number are refused, whichever would have won.
    @Test(arguments: [
        ["0005_a.up.sql", "0005_a.down.sql", "005_a.up.sql", "005_a.down.sql"],
        ["5_a.up.sql", "0005_a.down.sql"],
        ["0005_a.up.sql", "0005_a.down.sql", "00005_a.up.sql"],
    ])
    func oneVersionSpeltTwiceIsRefused(_ names: [String]) throws {
        let directory = try folder(Dictionary(uniqueKeysWithValues: names.map { ($0, "SELECT 1;") }))
        #expect { try MigrationSource.load(directory: directory) } throws: {
            "\($0)".contains("version 0005 is also written") && "\($0)".contains("a version is its number")
        }
    }

    /// `.SQL` in any case is read as a migration or refused, never skipped.
    @Test(arguments: ["0002_b.up.SQL", "0002_b.down.Sql", "0002_b.UP.sql"])
    func anUpperCaseExtensionIsRefusedNotIgnored(_ name: String) throws {
        let directory = try folder(
            [
                "0001_a.up.sql": "SELECT 1;", "0001_a.down.sql": "SELECT 1;", name: "SELECT 1;",
                "0002_b.up.sql": "SELECT 1;", "0002_b.down.sql": "SELECT 1;",
            ].filter { $0.key.lowercased() != name.lowercased() || $0.key == name })
        #expect { try MigrationSource.load(directory: directory) } throws: {
            "\($0)".contains("\(name): not a migration file name")
        }
    }

    @Test func aByteOrderMarkDoesNotHideTheDirective() throws {
        let directory = try folder([
            "0001_idx.up.sql": "\u{FEFF}-- rg-crm:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);",
            "0001_idx.down.sql": "\u{FEFF}DROP INDEX i;",
        ])
        let migration = try #require(try MigrationSource.load(directory: directory).first)
        #expect(migration.transactional == false)
        #expect(
            migration.checksum
                == Migration.checksum(of: "-- rg-crm:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);"))
        #expect(!migration.downSQL.unicodeScalars.contains("\u{FEFF}"))
    }

    @Test(arguments: [
        "-- RG-CRM:no-transaction", "--rg-crm:no-transaction", "-- rg-crm: no-transaction", "-- rg-crm:no-transactions",
    ])
    func aMisspeltDirectiveIsRefusedNotIgnored(_ directive: String) throws {
        let directory = try folder([
            "0001_idx.up.sql": "\(directive)\nCREATE INDEX CONCURRENTLY i ON t (x);",
            "0001_idx.down.sql": "DROP INDEX i;",
        ])
        #expect { try MigrationSource.load(directory: directory) } throws: {
            "\($0)".contains("0001_idx.up.sql:1:1: not an rg-crm directive")
        }
    }

    @Test func theDirectiveOnALaterLineIsRefusedNotIgnored() throws {
        let directory = try folder([
            "0001_idx.up.sql": "-- adds an index\n-- rg-crm:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);",
            "0001_idx.down.sql": "DROP INDEX i;",
        ])
        #expect { try MigrationSource.load(directory: directory) } throws: {
            "\($0)".contains("0001_idx.up.sql:2:1: not an rg-crm directive")
        }
    }

    @Test func theNoTransactionDirectiveIsRead() throws {
        let directory = try folder([
            "0001_idx.up.sql": "-- rg-crm:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);",
            "0001_idx.down.sql": "DROP INDEX i;",
        ])
        #expect(try MigrationSource.load(directory: directory).first?.transactional == false)
    }

    func migration(_ version: Int, _ text: String = "") -> Migration {
        Migration(
            version: version, name: "m\(version)", upPath: "db/migrations/\(version).up.sql", downPath: "", upSQL: text,
            downSQL: "",
            checksum: Migration.checksum(of: text), transactional: true)
    }

    func applied(_ migration: Migration, checksum: String? = nil) -> AppliedMigration {
        AppliedMigration(
            version: migration.version, name: migration.name, checksum: checksum ?? migration.checksum, appliedAt: "",
            executionMilliseconds: 0,
            appliedBy: "")
    }

    @Test func planning() throws {
        let all = [migration(1), migration(2), migration(3)]
        #expect(
            try MigrationPlanner.pending(applied: [applied(all[0])], available: all, target: nil).map(\.version) == [
                2, 3,
            ])
        #expect(try MigrationPlanner.pending(applied: [], available: all, target: 2).map(\.version) == [1, 2])
        #expect(throws: MigrationError.self) { try MigrationPlanner.pending(applied: [], available: all, target: 7) }
        // A new file numbered below the applied head is refused, not silently applied out of order.
        #expect {
            try MigrationPlanner.pending(applied: [applied(all[0]), applied(all[2])], available: all, target: nil)
        } throws: {
            "\($0)".contains("is older than the latest applied version 0003")
        }
        #expect {
            try MigrationPlanner.pending(applied: [applied(all[0], checksum: "x")], available: all, target: nil)
        } throws: {
            "\($0)".contains("changed since version 0001 was applied")
        }
        let rows = all.map { applied($0) }
        #expect(
            try MigrationPlanner.rollback(applied: rows, available: all, target: .steps(2)).map(\.version) == [3, 2])
        #expect(
            try MigrationPlanner.rollback(applied: rows, available: all, target: .version(0)).map(\.version) == [
                3, 2, 1,
            ])
        #expect(try MigrationPlanner.rollback(applied: rows, available: all, target: .version(3)).isEmpty)
        #expect(throws: MigrationError.self) {
            try MigrationPlanner.rollback(applied: rows, available: all, target: .version(9))
        }
    }
}
