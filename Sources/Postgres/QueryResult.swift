/// Rows copied out of a libpq result, as text (PostgreSQL's text format), so no C memory outlives the call.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows returned, or rows affected by INSERT/UPDATE/DELETE.
    public let affectedRows: Int

    /// The first column of the first row, the usual shape of `SELECT count(*)`.
    public var scalar: String? { rows.first?.first ?? nil }

}

/// Where a connection went: what an error message may show. Never the password.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: String
    public let database: String
    public let user: String

    public var description: String {
        let place = host.hasPrefix("/") ? "\(host)/.s.PGSQL.\(port)" : "\(host):\(port)"
        return "\(place) (database \(database), user \(user))"
    }
}
