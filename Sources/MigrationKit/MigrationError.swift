import Postgres
import RGCore

/// Everything that can stop a migration run, each a complete sentence naming the file or version involved.
public enum MigrationError: RGError, Sendable {
    /// A migration file or folder is malformed (path, possibly with :line:col).
    case source(String, String)
    case database(PostgresError)
    /// A migration's SQL failed: file, line, column, the server's error.
    case failed(file: String, line: Int, column: Int, PostgresError)
    case checksumMismatch(file: String, version: Int)
    case missingFile(version: Int, name: String)
    case outOfOrder(Migration, latestApplied: Int)
    case lockTimeout(seconds: Int, database: String)
    case invalidTarget(String)
    /// A non-transactional migration failed part-way: what ran, and what to do (`command`: migrate or rollback).
    case partiallyApplied(
        file: String, line: Int, column: Int, PostgresError, statementsRun: Int, command: String = "migrate")
    /// A statement changed the session's transaction state behind the engine's back (it ended the transaction
    /// the engine opened, or left one open in a non-transactional file): the engine stopped there.
    case transactionControl(
        file: String, line: Int, column: Int, status: TransactionStatus, expected: TransactionStatus)

    /// A malformed migration file or target is bad input; so is a database URL libpq refuses. The rest are failed
    /// operations (a migration that failed, drift between the files and the history, a lock not obtained).
    public var category: ExitCategory {
        switch self {
        case .source, .invalidTarget: .usage
        case .database(let error): error.category
        case .failed, .checksumMismatch, .missingFile, .outOfOrder, .lockTimeout, .partiallyApplied,
            .transactionControl:
            .failed
        }
    }

    public var description: String {
        switch self {
        case .source(let path, let reason):
            return "\(path): \(reason)"
        case .database(let error):
            return error.description
        case .failed(let file, let line, let column, let error):
            return "\(file):\(line):\(column): \(error); the migration was rolled back, nothing of it remains"
        case .checksumMismatch(let file, let version):
            return
                "\(file): changed since version \(Migration.format(version)) was applied (checksum differs); restore the file and add a new migration instead"
        case .missingFile(let version, let name):
            return
                "migration \(Migration.format(version))_\(name) is applied but its file is missing from the migrations folder"
        case .outOfOrder(let migration, let latest):
            return
                "\(migration.upPath): version \(Migration.format(migration.version)) is older than the latest applied version \(Migration.format(latest)); give it a higher number"
        case .lockTimeout(let seconds, let database):
            return
                "another rg-crm migration run holds the migration lock on database \(database); gave up after waiting \(seconds) s (raise --lock-timeout or try again)"
        case .invalidTarget(let reason):
            return reason
        case .partiallyApplied(let file, let line, let column, let error, let count, let command):
            return
                "\(file):\(line):\(column): \(error); this migration is non-transactional and \(count) statement(s) before it were committed: fix the cause, undo or complete them by hand (e.g. DROP INDEX CONCURRENTLY IF EXISTS for an invalid index), then run db \(command) again"
        case .transactionControl(let file, let line, let column, let status, let expected):
            if expected == .idle {
                return
                    "\(file):\(line):\(column): this statement left a transaction open in a non-transactional migration (the session reports \(status)); rg-crm rolled it back, stopped and recorded nothing: remove the transaction control from the file"
            }
            return
                "\(file):\(line):\(column): this statement ended the transaction rg-crm opened for the migration (the session reports \(status)); rg-crm stopped at once, rolled back what was still open and recorded nothing; remove the transaction control from the file (if it committed, what ran before it stays: check the schema)"
        }
    }
}
