import Foundation
import Postgres

/// Connections to the tenant's database shared by the checks of one run: a check takes one, uses it on its own
/// thread, and gives it back idle. The first failure to connect is remembered, so every later check learns it at once
/// instead of waiting for its own connect to fail.
final class ConnectionPool: @unchecked Sendable {
    private let conninfo: String?
    private let statementTimeout: Duration
    private let lock = NSLock()
    private var idle: [Connection] = []
    private var failure: PostgresError?

    init(conninfo: String?, statementTimeout: Duration) {
        self.conninfo = conninfo
        self.statementTimeout = statementTimeout
    }

    /// Why connecting failed, once it has.
    var connectFailure: PostgresError? { lock.withLock { failure } }

    func checkout() -> Result<Connection, PostgresError> {
        lock.lock()
        if let connection = idle.popLast() {
            lock.unlock()
            return .success(connection)
        }
        let known = failure
        lock.unlock()
        if let known { return .failure(known) }
        do throws(PostgresError) {
            let connection = try Connection(conninfo: conninfo)
            // Smoke reads; a statement that hangs (a lock held by a migration) is stopped by the server.
            try connection.query(
                "SELECT set_config('statement_timeout', $1, false), set_config('application_name', 'rg-crm smoke', false)",
                ["\(statementTimeout.wholeMilliseconds)"])
            return .success(connection)
        } catch {
            lock.withLock { if failure == nil { failure = error } }
            return .failure(error)
        }
    }

    /// Back to the pool only when no transaction is left open (a check that timed out or failed mid-way is dropped).
    func checkin(_ connection: Connection) {
        guard connection.transactionStatus == .idle else { return }
        lock.withLock { idle.append(connection) }
    }
}
