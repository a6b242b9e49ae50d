import Foundation
import RGCore

/// An error from libpq or the server, with the fields PostgreSQL reports.
public struct PostgresError: RGError, Sendable {
    public enum Kind: Sendable { case invalidURL, connection, query }

    /// A URL or connection option libpq refuses is bad input; a connection or query that fails is a failed operation.
    public var category: ExitCategory { kind == .invalidURL ? .usage : .failed }

    public let kind: Kind
    /// The primary message, without the "ERROR:" prefix.
    public let message: String
    public let sqlState: String?
    public let detail: String?
    public let hint: String?
    /// 1-based character offset into the statement text, where the server gave one.
    public let position: Int?
    public let endpoint: Endpoint?
    /// The statement that failed (for locating `position`); never printed by `description`.
    public let sql: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, endpoint: Endpoint? = nil, sql: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
        self.endpoint = endpoint
        self.sql = sql
    }

    /// Whether libpq refused a connection option's value before connecting (`invalid integer value "x" for
    /// connection option "port"`, `invalid sslmode value`, an unknown service): bad input, not a failed connection.
    static func isOptionProblem(_ reason: String) -> Bool {
        let reason = reason.lowercased()
        return reason.hasPrefix("invalid ") || reason.contains("definition of service")
            || reason.contains("service file")
            || reason.hasPrefix("could not match ") || reason.contains("for connection option")
            || reason.hasPrefix("could not parse network address")
    }

    /// What to do about a connection failure, judged from libpq's reason; nil when libpq's reason says it all.
    private var connectionAdvice: String? {
        let reason = message.lowercased()
        if reason.contains("password") || reason.contains("authentication")
            || reason.contains("role")
                && reason.contains("does not exist")
        {
            return "check the user and password (in the URL, PGPASSWORD or the .pgpass file)"
        }
        if reason.contains("database") && reason.contains("does not exist") {
            return "create the database or fix the URL"
        }
        // Only where nothing answered is the server itself in doubt.
        let unreachable = [
            "connection refused", "no such file or directory", "could not translate host name", "timeout expired",
            "network is unreachable", "no route to host", "could not connect", "connection timed out",
        ]
        if unreachable.contains(where: reason.contains) {
            return "is the server running, and are host and port right?"
        }
        return nil
    }

    public var description: String {
        switch kind {
        case .invalidURL:
            return "invalid database URL: \(message)"
        case .connection:
            let place = endpoint.map { " at \($0)" } ?? ""
            return "cannot connect to PostgreSQL\(place): \(message)" + (connectionAdvice.map { " — \($0)" } ?? "")
        case .query:
            // One line: the server's detail and hint may list several lines (DROP ROLE's dependencies).
            // The message keeps its own text, a line break in a quoted value shown escaped; detail and hint are lists.
            var text = TerminalText.escaped(message)
            if let sqlState { text += " (SQLSTATE \(sqlState))" }
            if let detail { text += "; detail: \(TerminalText.joinedLines(detail))" }
            if let hint { text += "; hint: \(TerminalText.joinedLines(hint))" }
            return text
        }
    }
}
