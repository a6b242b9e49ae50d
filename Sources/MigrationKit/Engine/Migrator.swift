import Foundation
import Postgres
import RGCore

/// What the engine tells its caller while it works, for progress lines.
public enum MigrationProgress: Sendable {
    case waitingForLock
    case applying(Migration)
    case applied(Migration, milliseconds: Int)
    case rollingBack(Migration)
    case rolledBack(Migration, milliseconds: Int)
}

public struct MigrateReport: Sendable {
    public var applied: [(migration: Migration, milliseconds: Int)]
    public var version: Int
    /// The SQL a dry run would have sent, in order.
    public var plannedSQL: [Migration]
    /// Every migration up to the target: those already applied as unchanged, then those a dry run would apply
    /// (or a run did apply) as created, each with its up file and SQL.
    public var plan: Plan
}

/// Applies and rolls back migrations on one connection, holding the migration lock for the whole run.
public final class Migrator {
    public static let schema = "crm"
    public static let historyTable = "schema_migrations"

    let connection: Connection
    let migrations: [Migration]
    private let lockTimeoutSeconds: Int

    public init(connection: Connection, migrations: [Migration], lockTimeoutSeconds: Int = 60) {
        self.connection = connection
        self.migrations = migrations
        self.lockTimeoutSeconds = lockTimeoutSeconds
    }

    // MARK: - Commands

    public func status() throws(MigrationError) -> MigrationStatus {
        let applied = try appliedMigrations()
        let states = MigrationPlanner.states(applied: applied, available: migrations)
        let appliedVersions = Set(applied.map(\.version))
        return MigrationStatus(
            applied: states.map { (migration: $0.0, state: $0.1) },
            pending: migrations.filter { !appliedVersions.contains($0.version) })
    }

    public func migrate(to target: Int? = nil, dryRun: Bool = false, progress: (MigrationProgress) -> Void = { _ in })
        throws(MigrationError) -> MigrateReport
    {
        if dryRun {
            let applied = try appliedMigrations()
            let pending = try MigrationPlanner.pending(applied: applied, available: migrations, target: target)
            return MigrateReport(
                applied: [], version: applied.last?.version ?? 0, plannedSQL: pending,
                plan: Self.plan(applied: applied, pending: pending.map { ($0, nil) }, dryRun: true))
        }
        return try withMigrationLock(progress: progress) { () throws(MigrationError) -> MigrateReport in
            try ensureHistoryTable()
            let applied = try appliedMigrations()
            let pending = try MigrationPlanner.pending(applied: applied, available: migrations, target: target)
            var done: [(Migration, Int)] = []
            for migration in pending {
                progress(.applying(migration))
                let milliseconds = try apply(migration)
                progress(.applied(migration, milliseconds: milliseconds))
                done.append((migration, milliseconds))
            }
            let version = done.last?.0.version ?? applied.last?.version ?? 0
            return MigrateReport(
                applied: done.map { (migration: $0.0, milliseconds: $0.1) }, version: version, plannedSQL: [],
                plan: Self.plan(applied: applied, pending: done.map { ($0.0, $0.1) }, dryRun: false))
        }
    }

    /// The migrate run as a plan: applied versions unchanged, then each pending one created from its up file.
    static func plan(applied: [AppliedMigration], pending: [(Migration, Int?)], dryRun: Bool) -> Plan {
        let kept = applied.sorted { $0.version < $1.version }.map {
            Change(.unchanged, "migration", "\(Migration.format($0.version))_\($0.name)")
        }
        let created = pending.map { migration, milliseconds in
            let notes = [
                migration.upPath, migration.transactional ? nil : "non-transactional", milliseconds.map { "\($0) ms" },
            ]
            return Change(
                .create, "migration", migration.id, detail: notes.compactMap { $0 }.joined(separator: ", "),
                after: migration.upSQL)
        }
        return Plan(kept + created, applied: !dryRun)
    }

    /// Runs down files newest first, each with the removal of its history row in one transaction.
    /// Rolling back to 0 also drops the history table, leaving schema `crm` empty.
    public func rollback(
        _ target: RollbackTarget, dryRun: Bool = false, progress: (MigrationProgress) -> Void = { _ in }
    )
        throws(MigrationError) -> [Migration]
    {
        if dryRun {
            return try MigrationPlanner.rollback(
                applied: try appliedMigrations(), available: migrations, target: target)
        }
        return try withMigrationLock(progress: progress) { () throws(MigrationError) -> [Migration] in
            let applied = try appliedMigrations()
            let plan = try MigrationPlanner.rollback(applied: applied, available: migrations, target: target)
            for migration in plan {
                progress(.rollingBack(migration))
                let started = DispatchTime.now()
                if migration.downTransactional {
                    try inTransaction(file: migration.downPath) { () throws(MigrationError) in
                        try runScript(migration.downSQL, file: migration.downPath)
                        try run("DELETE FROM \(try history()) WHERE version = $1", [String(migration.version)])
                    }
                } else {
                    // Statement by statement, each committing on its own; the history row goes last, so a failure
                    // leaves the version applied and `db rollback` can run the (IF EXISTS) down file again.
                    try runScript(
                        migration.downSQL, file: migration.downPath, inTransaction: false, command: "rollback")
                    try run("DELETE FROM \(try history()) WHERE version = $1", [String(migration.version)])
                }
                progress(.rolledBack(migration, milliseconds: Self.milliseconds(since: started)))
            }
            if try appliedMigrations().isEmpty, try historyTableExists() {
                try run("DROP TABLE \(try history())")
            }
            return plan
        }
    }

    // MARK: - Applying

    private func apply(_ migration: Migration) throws(MigrationError) -> Int {
        let started = DispatchTime.now()
        if migration.transactional {
            try inTransaction(file: migration.upPath) { () throws(MigrationError) in
                try runScript(migration.upSQL, file: migration.upPath)
                try record(migration, milliseconds: Self.milliseconds(since: started))
            }
        } else {
            try runScript(migration.upSQL, file: migration.upPath, inTransaction: false, command: "migrate")
            try record(migration, milliseconds: Self.milliseconds(since: started))
        }
        return Self.milliseconds(since: started)
    }

    private func record(_ migration: Migration, milliseconds: Int) throws(MigrationError) {
        try run(
            "INSERT INTO \(try history()) (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)",
            [String(migration.version), migration.name, migration.checksum, String(milliseconds)])
    }

    /// Sends a script statement by statement (as psql does) so that a failure names its line. Each statement
    /// travels alone over the extended protocol, so the server refuses a text that holds two. After each one the
    /// session must still be where the engine put it (inside its transaction, or outside any with
    /// `inTransaction: false`): a statement that ended the transaction (or opened one) stops the run at once,
    /// whatever the file's parser let through.
    func runScript(_ sql: String, file: String, inTransaction: Bool = true, command: String = "migrate")
        throws(MigrationError)
    {
        let expected: TransactionStatus = inTransaction ? .inTransaction : .idle
        // `COMMIT AND CHAIN` leaves the session inside a transaction, but a new one: the transaction id tells.
        let transactionID = inTransaction ? try run("SELECT pg_current_xact_id()::text").scalar : nil
        var count = 0
        for statement in SQLScript.statements(sql) {
            do {
                try connection.execute(statement: statement.text)
            } catch {
                let (line, column) = Self.locate(error, in: statement)
                let status = connection.transactionStatus
                if inTransaction && status == .idle {  // it failed and took the transaction with it (a failed COMMIT)
                    _ = try? connection.query("ROLLBACK")
                    throw .transactionControl(
                        file: file, line: line, column: column, status: status, expected: expected)
                }
                if !inTransaction {
                    if status != .idle { _ = try? connection.query("ROLLBACK") }
                    throw .partiallyApplied(
                        file: file, line: line, column: column, error, statementsRun: count, command: command)
                }
                throw .failed(file: file, line: line, column: column, error)
            }
            var status = connection.transactionStatus
            if status == .inTransaction, inTransaction,
                (try? connection.query("SELECT pg_current_xact_id_if_assigned()::text").scalar) != transactionID
            {
                status = .otherTransaction
            }
            guard status == expected else {
                _ = try? connection.query("ROLLBACK")
                throw .transactionControl(
                    file: file, line: statement.position.line, column: statement.position.column, status: status,
                    expected: expected)
            }
            count += 1
        }
    }

    /// Where in the file the server's error position (1-based, in characters of the statement) is.
    static func locate(_ error: PostgresError, in statement: SQLStatement) -> (Int, Int) {
        let start = statement.position
        guard let position = error.position, position >= 1 else { return (start.line, start.column) }
        let inner = LineIndex(statement.text, breaks: .lfCRLFCR).position(ofCodePoint: position - 1)
        return (start.line + inner.line - 1, inner.line == 1 ? start.column + inner.column - 1 : inner.column)
    }

    func inTransaction(file: String, _ body: () throws(MigrationError) -> Void) throws(MigrationError) {
        try connection.transaction(wrap: MigrationError.database, body)
    }

    // MARK: - History

    private func history() throws(MigrationError) -> String {
        do {
            return "\(try connection.quoteIdentifier(Self.schema)).\(try connection.quoteIdentifier(Self.historyTable))"
        } catch {
            throw .database(error)
        }
    }

    private func historyTableExists() throws(MigrationError) -> Bool {
        let result = try run("SELECT to_regclass($1) IS NOT NULL", ["\(Self.schema).\(Self.historyTable)"])
        return result.scalar == "t"
    }

    private func ensureHistoryTable() throws(MigrationError) {
        if try historyTableExists() { return }
        try run("CREATE SCHEMA IF NOT EXISTS \(try connection.quoteIdentifierOrThrow(Self.schema))")
        try run(
            """
            CREATE TABLE IF NOT EXISTS \(try history()) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum char(64) NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms integer NOT NULL CHECK (execution_ms >= 0),
                applied_by text NOT NULL DEFAULT current_user
            )
            """)
    }

    func appliedMigrations() throws(MigrationError) -> [AppliedMigration] {
        guard try historyTableExists() else { return [] }
        let result = try run(
            """
            SELECT version, name, checksum,
                   to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), execution_ms, applied_by
            FROM \(try history()) ORDER BY version
            """)
        return result.rows.map { row in
            AppliedMigration(
                version: Int(row[0] ?? "") ?? 0, name: row[1] ?? "", checksum: row[2] ?? "", appliedAt: row[3] ?? "",
                executionMilliseconds: Int(row[4] ?? "") ?? 0, appliedBy: row[5] ?? "")
        }
    }

    // MARK: - Lock

    /// A session-level advisory lock keyed on database, schema and history table: concurrent runs wait
    /// for each other (bounded by `lockTimeoutSeconds`) instead of colliding.
    func withMigrationLock<T>(
        progress: (MigrationProgress) -> Void, _ body: () throws(MigrationError) -> T
    ) throws(MigrationError) -> T {
        // If rg-crm dies mid-run, the server notices within a second (even inside a long statement), rolls the
        // migration back and frees the lock, instead of holding both until the statement ends.
        try run("SELECT set_config('client_connection_check_interval', '1s', false)")
        let database = try run("SELECT current_database()").scalar ?? ""
        let key = Self.lockKey(database: database)
        if try run("SELECT pg_try_advisory_lock($1::bigint)", [String(key)]).scalar != "t" {
            progress(.waitingForLock)
            do {
                try connection.query("SELECT set_config('lock_timeout', $1, false)", ["\(lockTimeoutSeconds)s"])
                try connection.query("SELECT pg_advisory_lock($1::bigint)", [String(key)])
                try connection.query("RESET lock_timeout")
            } catch {
                if error.sqlState == "55P03" { throw .lockTimeout(seconds: lockTimeoutSeconds, database: database) }
                throw .database(error)
            }
        }
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [String(key)]) }
        return try body()
    }

    static func lockKey(database: String) -> Int64 {
        let digest = Digest.sha256Hex("rg-crm:\(database):\(schema).\(historyTable)")
        return Int64(bitPattern: UInt64(digest.prefix(16), radix: 16) ?? 0)
    }

    // MARK: - Helpers

    @discardableResult
    func run(_ sql: String, _ parameters: [String?] = []) throws(MigrationError) -> QueryResult {
        do {
            return try connection.query(sql, parameters)
        } catch {
            throw .database(error)
        }
    }

    static func milliseconds(since start: DispatchTime) -> Int {
        Int((DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000)
    }
}

extension Connection {
    func quoteIdentifierOrThrow(_ name: String) throws(MigrationError) -> String {
        do { return try quoteIdentifier(name) } catch { throw .database(error) }
    }
}
