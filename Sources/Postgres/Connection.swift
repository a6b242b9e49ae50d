import CLibPQ
import Foundation
import RGCore

/// A connection to PostgreSQL through libpq. The only type in rg-crm that holds a libpq handle.
///
/// Not thread-safe: one connection belongs to one task, like a `PGconn`.
public final class Connection {
    private let handle: OpaquePointer
    /// Where the connection went, for messages: never contains the password.
    public let endpoint: Endpoint

    /// Connects with a libpq connection string or URL. `nil` or empty uses libpq's own defaults
    /// (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, .pgpass, the unix socket), exactly as psql does.
    public init(conninfo: String?) throws(PostgresError) {
        let conninfo = conninfo ?? ""
        let secrets = try Self.checkedSecrets(conninfo)
        guard let conn = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        // Redacted too: a user name equal to the password would show it, a database name may be a whole URL.
        func field(_ value: UnsafeMutablePointer<CChar>?) -> String {
            redact(value.map { String(cString: $0) } ?? "", secrets: secrets)
        }
        let endpoint = Endpoint(
            host: field(PQhost(conn)), port: field(PQport(conn)), database: field(PQdb(conn)), user: field(PQuser(conn))
        )
        if PQstatus(conn) != CONNECTION_OK {
            let reason = Self.lastError(conn, redacting: secrets)
            PQfinish(conn)
            // libpq checks option values (port, sslmode, service…) before it connects: those are bad input.
            let kind: PostgresError.Kind = PostgresError.isOptionProblem(reason) ? .invalidURL : .connection
            throw PostgresError(kind: kind, message: reason, endpoint: endpoint)
        }
        self.handle = conn
        self.endpoint = endpoint
        // NOTICEs ("relation already exists, skipping") are not errors; libpq would print them to stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Runs one statement with its values passed as parameters (PQexecParams, text format).
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        let result = withCStringArray(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try consume(result, sql: sql)
    }

    /// Runs exactly one statement without parameters over the extended protocol (PQexecParams): the server
    /// refuses a text holding more than one statement, so a statement splitter's mistake can never send two.
    @discardableResult
    public func execute(statement: String) throws(PostgresError) -> QueryResult {
        try query(statement)
    }

    /// Where the session stands with respect to transactions (PQtransactionStatus), as of the last result.
    public var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .inFailedTransaction
        default: .unknown
        }
    }

    /// Quotes an identifier with PQescapeIdentifier.
    public func quoteIdentifier(_ name: String) throws(PostgresError) -> String {
        let utf8Count = name.utf8.count
        guard let escaped = PQescapeIdentifier(handle, name, utf8Count) else {
            throw PostgresError(kind: .query, message: Self.lastError(handle, redacting: []))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// The SCRAM-SHA-256 verifier of `password` for role `user` (PQencryptPasswordConn), computed here so that
    /// CREATE/ALTER ROLE … PASSWORD sends the verifier, never the password (statement logs, pg_stat_activity).
    public func encryptedPassword(_ password: String, user: String) throws(PostgresError) -> String {
        guard let encrypted = PQencryptPasswordConn(handle, password, user, "scram-sha-256") else {
            throw PostgresError(kind: .query, message: Self.lastError(handle, redacting: [password]))
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }

    // MARK: - Private

    private func consume(_ result: OpaquePointer?, sql: String) throws(PostgresError) -> QueryResult {
        guard let result else {
            throw PostgresError(kind: .query, message: Self.lastError(handle, redacting: []))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(columns: [], rows: [], affectedRows: Self.affectedRows(result))
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return Self.copyRows(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // psql feeds COPY … FROM STDIN from the lines after it and prints TO STDOUT; here no data
            // stream exists: end the copy so the connection is usable again, and say so.
            endCopy()
            throw PostgresError(
                kind: .query,
                message:
                    "COPY FROM STDIN or TO STDOUT exchanges data with the client, which rg-crm does not do (use INSERT, or COPY with a file on the server)",
                sql: sql)
        default:
            throw Self.error(from: result, sql: sql)
        }
    }

    /// Ends a COPY the server started: refuses to send data (FROM STDIN), discards what it sends (TO STDOUT),
    /// then reads the remaining results, so that the next command finds the connection idle.
    private func endCopy() {
        _ = PQputCopyEnd(handle, "rg-crm sends no COPY data")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    private static func copyRows(_ result: OpaquePointer) -> QueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return QueryResult(columns: columns, rows: rows, affectedRows: Int(rowCount))
    }

    private static func affectedRows(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    private static func error(from result: OpaquePointer, sql: String) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let message =
            field(Int32(UInt8(ascii: "M")))
            ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingWhitespace()
        return PostgresError(
            kind: .query,
            message: message,
            sqlState: field(Int32(UInt8(ascii: "C"))),
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            position: field(Int32(UInt8(ascii: "P"))).flatMap { Int($0) },
            sql: sql)
    }

    private static func lastError(_ conn: OpaquePointer, redacting secrets: [String]) -> String {
        var text = String(cString: PQerrorMessage(conn)).trimmingTrailingWhitespace()
        // libpq prefixes multi-host attempts with "connection to server at ... failed: "; keep the reason.
        if let range = text.range(of: "failed: ", options: .backwards) {
            text = String(text[range.upperBound...])
        }
        text = text.split(separator: "\n").first.map(String.init) ?? text
        for severity in ["FATAL:", "ERROR:"] where text.hasPrefix(severity) {
            text = String(text.dropFirst(severity.count)).trimmingCharacters(in: .whitespaces)
        }
        return redact(text, secrets: secrets)
    }

    /// The secrets a connection string holds (password, sslpassword), so that no message can ever echo them; and
    /// the string refused, without quoting any of it, when it cannot be read unambiguously.
    static func checkedSecrets(_ conninfo: String) throws(PostgresError) -> [String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var reason = "malformed connection string"
            if let errorMessage {
                reason = String(cString: errorMessage).trimmingTrailingWhitespace()
                PQfreemem(errorMessage)
            }
            // libpq quotes the offending part of the string, which may be a piece of the password (an unencoded
            // '&' or space splits it): the quoted parts are never shown.
            throw PostgresError(kind: .invalidURL, message: withoutQuotedInput(reason))
        }
        defer { PQconninfoFree(options) }
        var secrets: [String] = []
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let name = String(cString: keyword)
                let text = String(cString: value)
                if name.contains("password") { secrets.append(text) } else { values[name] = text }
            }
            option += 1
        }
        // In a URL, libpq ends the user:password part at the first '@' before the first '/': a password with an
        // unencoded '@' or '/' spills its tail into the host, port or database name, which messages would show.
        let isURL = conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://")
        if isURL, ["host", "hostaddr", "port", "dbname"].contains(where: { values[$0]?.contains("@") == true }) {
            throw PostgresError(
                kind: .invalidURL,
                message:
                    "the user:password part cannot be read: percent-encode '@' as %40 and '/' as %2F in the user name and password"
            )
        }
        // A database name that is itself a connection string or URL is expanded by libpq: its secrets count too.
        if let dbname = values["dbname"],
            dbname.contains("=") || dbname.hasPrefix("postgres://") || dbname.hasPrefix("postgresql://")
        {
            secrets += try checkedSecrets(dbname)
        }
        try checkFiles(values)
        // libpq also takes the password from the environment, where no parse of the string sees it.
        if let fromEnvironment = ProcessInfo.processInfo.environment["PGPASSWORD"] { secrets.append(fromEnvironment) }
        return secrets.filter { !$0.isEmpty }
    }

    /// The files libpq may read while connecting (password file, service files, TLS files), named by the string,
    /// the environment or libpq's defaults: each that exists must be a regular file, or libpq's read would wait
    /// for ever (a FIFO) or never end (/dev/zero). Checked with stat, which never blocks.
    static func checkFiles(_ values: [String: String]) throws(PostgresError) {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        var paths: [String] = []
        for (option, variable, fallback) in [
            ("passfile", "PGPASSFILE", "/.pgpass"), ("sslcert", "PGSSLCERT", "/.postgresql/postgresql.crt"),
            ("sslkey", "PGSSLKEY", "/.postgresql/postgresql.key"),
            ("sslrootcert", "PGSSLROOTCERT", "/.postgresql/root.crt"),
            ("sslcrl", "PGSSLCRL", "/.postgresql/root.crl"),
        ] {
            paths.append(values[option] ?? environment[variable] ?? home + fallback)
        }
        if values["service"] != nil || environment["PGSERVICE"] != nil {
            paths.append(environment["PGSERVICEFILE"] ?? home + "/.pg_service.conf")
            paths.append((environment["PGSYSCONFDIR"] ?? "/etc/postgresql-common") + "/pg_service.conf")
        }
        for path in paths where !path.isEmpty {
            var status = stat()
            // Absent or unreadable: libpq does without it, or says so itself.
            guard stat(path, &status) == 0, let kind = RegularFile.nonRegularKind(status.st_mode) else { continue }
            throw PostgresError(
                kind: .invalidURL, message: "\(path): is \(kind), expected a regular file (libpq would read it)")
        }
    }

    /// A libpq parse message with every quoted piece of the input replaced by "…"; the two quoted syntax characters
    /// libpq names itself (`missing "="`, `matching "]"`) are kept.
    static func withoutQuotedInput(_ message: String) -> String {
        var output = ""
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "\"") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "\"") else {
                output += "\"…\""
                return output
            }
            let quoted = rest[afterOpen..<close]
            let syntax =
                (quoted == "=" && output.hasSuffix("missing ")) || (quoted == "]" && output.hasSuffix("matching "))
            output += syntax ? "\"\(quoted)\"" : "\"…\""
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

func redact(_ text: String, secrets: [String]) -> String {
    secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "****") }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = self
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}

private func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in storage { free(pointer) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { $0.map { UnsafePointer($0) } })
    }
}
