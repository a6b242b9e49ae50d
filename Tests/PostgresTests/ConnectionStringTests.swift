import Foundation
import Postgres
import TestSupport
import Testing

/// What a connection string's mistakes say: no part of any password in any message, one line, and bad input
/// (exit 2 in the command) told apart from a failed connection.
@Suite struct ConnectionStringTests {
    /// A password of distinct pieces: no message may contain any three characters of it in a row.
    static let pieces = ["Qx7", "Wv3", "Zk9", "Jm2"]

    static func assertNoPasswordPiece(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let password = pieces.joined()
        let scalars = Array(password.unicodeScalars)
        for start in 0...(scalars.count - 3) {
            let piece = String(String.UnicodeScalarView(scalars[start..<(start + 3)]))
            #expect(
                !text.contains(piece), "message contains '\(piece)' of the password: \(text)",
                sourceLocation: sourceLocation)
        }
    }

    /// Every shape in which a password can sit in a connection string, broken in every way that makes libpq read
    /// it wrongly or not at all.
    static let brokenShapes: [String] = [
        // An unencoded '@' or '/' spills the password's tail into the host or the database name.
        "postgresql://u:Qx7Wv3@Zk9Jm2@127.0.0.1:1/db",
        "postgresql://u:Qx7Wv3/Zk9Jm2@127.0.0.1:1/db",
        "postgresql://u:Qx7Wv3/Zk9@Jm2@127.0.0.1:1/db",
        // A bad percent-escape, in the user:password part and in the query string.
        "postgresql://u:Qx7Wv3%zzZk9Jm2@127.0.0.1:1/db",
        "postgresql://u@127.0.0.1:1/db?password=Qx7Wv3%zzZk9Jm2",
        "postgresql://u@127.0.0.1:1/db?password=Qx7Wv3%00Zk9Jm2",
        // An unencoded '&' (or, in key=value form, a space) splits the password into a parameter of its own.
        "postgresql://u@127.0.0.1:1/db?password=Qx7Wv3&Zk9Jm2",
        "host=127.0.0.1 port=1 password=Qx7Wv3 Zk9Jm2",
        "host=127.0.0.1 port=1 password='Qx7Wv3Zk9Jm2",
        // The whole URL echoed by libpq's own parse errors.
        "postgresql://u:Qx7Wv3Zk9Jm2@[::1/db",
        "postgresql://u@[::1/db?password=Qx7Wv3Zk9Jm2",
        "postgresql://u@127.0.0.1:1/db?password=Qx7Wv3Zk9Jm2&nosuchoption=1",
        // A well-formed password, and a bad value elsewhere.
        "postgresql://u:Qx7Wv3Zk9Jm2@127.0.0.1:notaport/db",
        "postgresql://u@127.0.0.1:1/db?password=Qx7Wv3Zk9Jm2&sslmode=bogus",
        "postgresql://u@127.0.0.1:1/db?sslpassword=Qx7Wv3Zk9Jm2&sslmode=bogus",
        "host=127.0.0.1 port=notaport password=Qx7Wv3Zk9Jm2",
    ]

    @Test(arguments: brokenShapes)
    func aBrokenConnectionStringIsBadInputAndQuotesNoPartOfThePassword(_ conninfo: String) {
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: conninfo) }
        #expect(error?.kind == .invalidURL, "\(error?.description ?? "")")
        let text = error?.description ?? ""
        Self.assertNoPasswordPiece(text)
        #expect(!text.contains("\n"))
    }

    @Test(arguments: [
        "postgresql://rgcrm:Qx7Wv3Zk9Jm2@127.0.0.1:1/db?connect_timeout=2",
        "postgresql://rgcrm@127.0.0.1:1/db?connect_timeout=2&password=Qx7Wv3Zk9Jm2",
        "postgresql://rgcrm:Qx7Wv3%40Zk9Jm2@127.0.0.1:1/db?connect_timeout=2",
        "postgresql://rgcrm@127.0.0.1:1/db?connect_timeout=2&password=Qx7Wv3 Zk9Jm2",
        // A user name equal to the password, and a database name that is a whole URL (libpq expands it).
        "postgresql://Qx7Wv3Zk9Jm2:Qx7Wv3Zk9Jm2@127.0.0.1:1/db?connect_timeout=2",
        "dbname=postgresql://u:Qx7Wv3Zk9Jm2@127.0.0.1:1/db host=127.0.0.1 port=1 connect_timeout=2",
    ])
    func aFailedConnectionQuotesNoPartOfThePassword(_ conninfo: String) {
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: conninfo) }
        #expect(error?.kind == .connection)
        Self.assertNoPasswordPiece(error?.description ?? "")
    }

    @Test(arguments: [
        ("postgresql://u@127.0.0.1:notaport/db", "invalid integer value \"notaport\" for connection option \"port\""),
        ("postgresql://u@127.0.0.1:5432/db?sslmode=bogus", "invalid sslmode value: \"bogus\""),
        ("service=rg_crm_no_such_service", "definition of service \"rg_crm_no_such_service\" not found"),
        (
            "postgresql://u@127.0.0.1:5432/db?hostaddr=notanip",
            "could not parse network address \"notanip\": Name or service not known"
        ),
    ])
    func aBadOptionValueIsBadInputWithoutServerAdvice(_ conninfo: String, _ reason: String) {
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: conninfo) }
        #expect(error?.kind == .invalidURL)
        #expect(error?.description == "invalid database URL: \(reason)")
    }

    @Test func aMissingRoleIsAboutTheUserNotTheServer() throws {
        let base = try TestDatabase.baseURL()
        let url = base.replacingOccurrences(of: "://rgcrm@", with: "://rg_crm_no_such_role:x@")
        #expect(url != base, "the test URL must name the user rgcrm")
        let error = #expect(throws: PostgresError.self) { try Connection(conninfo: url) }
        let text = error?.description ?? ""
        #expect(error?.kind == .connection)
        #expect(text.contains("check the user and password"), "\(text)")
        #expect(!text.contains("is the server running"))
    }

    @Test func aServerErrorOfSeveralLinesIsOneLine() throws {
        try TestDatabase.with("lines") { url throws in
            let connection = try Connection(conninfo: url)
            let error = #expect(throws: PostgresError.self) {
                try connection.query(
                    "DO $$ BEGIN RAISE EXCEPTION E'first\\nsecond' USING DETAIL = E'one\\ntwo', HINT = E'a\\r\\nb'; END $$"
                )
            }
            #expect(error?.description == "first\\nsecond (SQLSTATE P0001); detail: one; two; hint: a; b")
        }
    }
}
