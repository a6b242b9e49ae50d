import Postgres
import TestSupport
import Testing

@Suite struct TransactionStatusTests {
    @Test func theSessionsTransactionStatusFollowsTheStatements() throws {
        try TestDatabase.with("txstatus") { url throws in
            let connection = try Connection(conninfo: url)
            #expect(connection.transactionStatus == .idle)
            try connection.query("BEGIN")
            #expect(connection.transactionStatus == .inTransaction)
            #expect(throws: PostgresError.self) { try connection.query("SELECT 1/0") }
            #expect(connection.transactionStatus == .inFailedTransaction)
            try connection.query("ROLLBACK")
            #expect(connection.transactionStatus == .idle)
        }
    }

    @Test func oneStatementPerSendTheServerRefusesTwo() throws {
        try TestDatabase.with("onestatement") { url throws in
            let connection = try Connection(conninfo: url)
            let refused = #expect(throws: PostgresError.self) { try connection.execute(statement: "CREATE TABLE a (x int); CREATE TABLE b (x int)") }
            #expect(refused?.sqlState == "42601")
            #expect(try connection.query("SELECT to_regclass('a') IS NULL").scalar == "t")
            #expect(try connection.execute(statement: "SELECT 2 -- trailing comment\n;").scalar == "2")
        }
    }

    @Test func aTransactionWhoseBodyEndedItIsNotCommittedAsIfItWereOpen() throws {
        try TestDatabase.with("txbody") { url throws in
            let connection = try Connection(conninfo: url)
            let error = #expect(throws: PostgresError.self) {
                try connection.transaction(wrap: { $0 }) { () throws(PostgresError) in
                    try connection.query("CREATE TABLE a (x int)")
                    try connection.query("ROLLBACK")
                    try connection.query("CREATE TABLE b (x int)")
                }
            }
            #expect(error?.message.contains("stopped before COMMIT") == true)
            #expect(connection.transactionStatus == .idle)
        }
    }
}
