import Foundation
import TestSupport
import Testing

@testable import MigrationKit

/// How a statement is recognised as transaction control, and the down file's directive.
@Suite struct TransactionControlTests {
    @Test(arguments: [
        ("begin work", "BEGIN"), ("START TRANSACTION", "START TRANSACTION"), ("COMMIT/**/;", "COMMIT"),
        ("-- x\nCOMMIT", "COMMIT"), ("commit /* c */ prepared 'x'", "COMMIT PREPARED"), ("END", "END"),
        ("ROLLBACK TO SAVEPOINT s", "ROLLBACK TO"), ("rollback prepared 'x'", "ROLLBACK PREPARED"), ("ABORT", "ABORT"),
        ("SAVEPOINT s", "SAVEPOINT"), ("release s", "RELEASE"), ("PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION"),
        ("SET LOCAL TRANSACTION READ ONLY", "SET TRANSACTION"),
        ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET SESSION CHARACTERISTICS"),
        ("SET \"DEFAULT_TRANSACTION_READ_ONLY\" = on", "SET default_transaction_read_only"),
        ("RESET transaction_isolation", "RESET transaction_isolation"),
    ])
    func recognised(_ statement: String, _ command: String) {
        #expect(SQLScript.transactionControl(statement) == command)
    }

    @Test(arguments: [
        "SELECT 1", "PREPARE transactional AS SELECT 1", "SET search_path = crm", "\"commit\"", "beginning", "CALL p()",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END", "RESET ALL",
    ])
    func notRecognised(_ statement: String) {
        #expect(SQLScript.transactionControl(statement) == nil)
    }

    @Test func theDownFileHasItsOwnDirective() throws {
        let directory = try TestPaths.temporaryDirectory("source")
        try "CREATE INDEX i ON t (x);".write(toFile: directory + "/0001_idx.up.sql", atomically: true, encoding: .utf8)
        try "-- rg-crm:no-transaction\nDROP INDEX CONCURRENTLY i;".write(
            toFile: directory + "/0001_idx.down.sql", atomically: true, encoding: .utf8)
        let migration = try #require(try MigrationSource.load(directory: directory).first)
        #expect(migration.transactional && !migration.downTransactional)
    }
}
