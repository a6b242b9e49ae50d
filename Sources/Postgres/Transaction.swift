/// libpq's transaction status of a session (`PQtransactionStatus`), without the C type.
public enum TransactionStatus: Sendable, Equatable, CustomStringConvertible {
    /// Not in a transaction block.
    case idle
    /// A command is in progress.
    case active
    /// Inside a transaction block that can still commit.
    case inTransaction
    /// Inside a transaction block that failed: only ROLLBACK is accepted.
    case inFailedTransaction
    /// The connection is bad.
    case unknown
    /// Inside a transaction, but not the one the caller opened (after `COMMIT AND CHAIN`): never from libpq,
    /// for callers that compare transaction ids.
    case otherTransaction

    public var description: String {
        switch self {
        case .idle: "no transaction open"
        case .active: "a command in progress"
        case .inTransaction: "inside a transaction"
        case .inFailedTransaction: "inside a failed transaction"
        case .unknown: "connection state unknown"
        case .otherTransaction: "a different transaction from the one opened"
        }
    }
}

extension Connection {
    /// Runs `body` inside BEGIN … COMMIT; any error rolls back and is rethrown. With `commit: false` the work is
    /// always rolled back (dry runs). `wrap` turns the driver's own errors into the caller's error type.
    public func transaction<T, E: Error>(
        commit: Bool = true, wrap: (PostgresError) -> E, _ body: () throws(E) -> T
    ) throws(E) -> T {
        do { try query("BEGIN") } catch { throw wrap(error) }
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
        // A statement inside `body` may have ended the transaction itself (COMMIT, ROLLBACK …): then COMMIT here
        // would only warn, and whatever `body` ran afterwards would have committed on its own. Refuse instead.
        guard transactionStatus == .inTransaction else {
            let status = transactionStatus
            _ = try? query("ROLLBACK")
            throw wrap(
                PostgresError(
                    kind: .query,
                    message:
                        "stopped before COMMIT: the session reports \(status) where its transaction should be open (a statement inside it ended or failed it); what was still open has been rolled back"
                ))
        }
        do { try query(commit ? "COMMIT" : "ROLLBACK") } catch {
            _ = try? query("ROLLBACK")
            throw wrap(error)
        }
        return result
    }
}
