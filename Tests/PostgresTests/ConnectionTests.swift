import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func valuesTravelAsParametersWhateverTheyHold() throws {
        try TestDatabase.with("params") { url throws in
            let connection = try Connection(conninfo: url)
            let hostile = "Robert'); DROP TABLE students; --"
            let result = try connection.query(
                "SELECT $1::text, $2::text IS NULL, length($3::text)", [hostile, nil, "ë€"])
            #expect(result.rows == [[hostile, "t", "2"]])
            #expect(result.columns.count == 3)
        }
    }

    @Test func identifiersAreQuotedByLibpq() throws {
        try TestDatabase.with("ident") { url throws in
            let connection = try Connection(conninfo: url)
            let name = "weird \"table\"; drop"
            #expect(try connection.quoteIdentifier(name) == "\"weird \"\"table\"\"; drop\"")
            try connection.query("CREATE TABLE \(try connection.quoteIdentifier(name)) (x int)")
            #expect(try connection.query("SELECT count(*) FROM pg_class WHERE relname = $1", [name]).scalar == "1")
        }
    }

    @Test func errorsCarrySQLStateMessageDetailHintAndPosition() throws {
        try TestDatabase.with("errors") { url throws in
            let connection = try Connection(conninfo: url)
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1 +\n  nosuchcolumn") }
            #expect(error?.sqlState == "42703")
            #expect(error?.message == "column \"nosuchcolumn\" does not exist")
            #expect(error?.position == 14)

            try connection.query("CREATE TABLE t (id int PRIMARY KEY)")
            try connection.query("INSERT INTO t VALUES (1)")
            let duplicate = #expect(throws: PostgresError.self) { try connection.query("INSERT INTO t VALUES (1)") }
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.detail == "Key (id)=(1) already exists.")
            #expect(duplicate?.description.contains("(SQLSTATE 23505); detail: Key (id)=(1) already exists.") == true)

            let hinted = #expect(throws: PostgresError.self) { try connection.query("SELECT lenght('x')") }
            #expect(hinted?.hint?.contains("No function matches") == true)
        }
    }

    @Test func aWrongPasswordIsOneLineAndNeverEchoed() throws {
        let base = try TestDatabase.baseURL()
        let secret = "s3cret-\(UUID().uuidString.prefix(6))"
        let wrong = base.replacingOccurrences(of: "://rgcrm@", with: "://rgcrm:\(secret)@")
        #expect(wrong != base, "the test URL must name the user rgcrm")
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: wrong) }
        let text = error?.description ?? ""
        #expect(error?.kind == .connection)
        #expect(text.contains("password authentication failed for user \"rgcrm\""))
        #expect(!text.contains(secret))
        #expect(!text.contains("\n"))
    }

    @Test func anUnreachableServerNamesHostAndPort() {
        let error = #expect(throws: PostgresError.self) {
            try Connection(conninfo: "postgresql://nobody@127.0.0.1:1/db?connect_timeout=2")
        }
        #expect(
            error?.description
                == "cannot connect to PostgreSQL at 127.0.0.1:1 (database db, user nobody): Connection refused — is the server running, and are host and port right?"
        )
    }

    @Test(arguments: [
        "postgresql://user:topsecret@[::1/db",
        "postgresql://user:topsecret@host:notaport/db",
        "host=localhost password=topsecret bogus=1",
    ])
    func aMalformedURLIsRefusedBeforeAnyConnectionWithoutThePassword(_ url: String) {
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: url) }
        #expect(error?.kind == .invalidURL || error?.kind == .connection)
        #expect(error?.description.contains("topsecret") == false)
    }
}
