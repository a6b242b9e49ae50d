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
            let refused = #expect(throws: PostgresError.self) {
                try connection.execute(statement: "CREATE TABLE a (x int); CREATE TABLE b (x int)")
            }
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

@Suite struct CopyTests {
    /// psql's COPY data stream does not exist here: a clear error, and the connection stays usable.
    @Test(arguments: ["COPY t FROM STDIN", "COPY (SELECT 1) TO STDOUT", "COPY t TO STDOUT"])
    func copyWithTheClientIsAClearErrorAndTheConnectionStaysUsable(_ statement: String) throws {
        try TestDatabase.with("copy") { url throws in
            let connection = try Connection(conninfo: url)
            try connection.query("CREATE TABLE t (x int)")
            try connection.query("INSERT INTO t VALUES (1), (2)")
            let error = #expect(throws: PostgresError.self) { try connection.execute(statement: statement) }
            #expect(error?.message.hasPrefix("COPY FROM STDIN or TO STDOUT exchanges data with the client") == true)
            #expect(try connection.query("SELECT count(*) FROM t").scalar == "2")
            #expect(connection.transactionStatus == .idle)
        }
    }
}
