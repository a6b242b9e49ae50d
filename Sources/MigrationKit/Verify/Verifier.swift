import Foundation
import Postgres

/// One problem `db verify` found.
public struct VerifyFinding: Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

public struct VerifyReport: Sendable {
    public var findings: [VerifyFinding]
    public var verified: [Migration]
    /// Non-transactional migrations cannot be replayed inside the rolled-back transaction.
    public var skipped: [Migration]
}

extension Migrator {
    /// Checks checksums of applied migrations, then proves for every version that down undoes up:
    /// up → down → up, comparing catalog snapshots. All of it runs inside one transaction that is rolled back,
    /// with the live `crm` schema renamed out of the way inside that transaction: no data is touched and
    /// other sessions keep seeing the committed schema.
    public func verify(progress: (Migration) -> Void = { _ in }) throws(MigrationError) -> VerifyReport {
        // Under the migration lock: a migrate running meanwhile would otherwise see its schema renamed away.
        try withMigrationLock(
            progress: { _ in },
            { () throws(MigrationError) -> VerifyReport in
                try verifyHoldingLock(progress: progress)
            })
    }

    private func verifyHoldingLock(progress: (Migration) -> Void) throws(MigrationError) -> VerifyReport {
        var findings: [VerifyFinding] = []
        let applied = try appliedMigrations()
        for (row, state) in MigrationPlanner.states(applied: applied, available: migrations) where state != .ok {
            let file =
                migrations.first { $0.version == row.version }?.upPath
                ?? "\(Migration.format(row.version))_\(row.name).up.sql"
            findings.append(
                VerifyFinding(
                    file: file,
                    message: state == .missing
                        ? "applied as version \(Migration.format(row.version)) but the file is missing"
                        : "changed since version \(Migration.format(row.version)) was applied (checksum differs)"))
        }
        var verified: [Migration] = []
        var skipped: [Migration] = []
        try run("BEGIN")
        defer { _ = try? run("ROLLBACK") }
        let existing = try run("SELECT 1 FROM pg_namespace WHERE nspname = $1", [Migrator.schema])
        if !existing.rows.isEmpty {
            let hold = "\(Migrator.schema)_verify_hold_\(getpid())"
            try run("ALTER SCHEMA \(try quoted(Migrator.schema)) RENAME TO \(try quoted(hold))")
        }
        // MigrationSource.load returns versions in order.
        for migration in migrations {
            guard migration.transactional && migration.downTransactional else {
                skipped.append(migration)
                continue
            }
            progress(migration)
            let before = try snapshot()
            guard let afterUp = try attempt(migration.upSQL, migration.upPath, "up", &findings) else { break }
            guard try attempt(migration.downSQL, migration.downPath, "down", &findings) != nil else { break }
            let afterDown = try snapshot()
            if afterDown != before {
                let (extra, missing) = afterDown.difference(from: before)
                var parts: [String] = []
                if !extra.isEmpty { parts.append("leaves behind " + extra.joined(separator: "; ")) }
                if !missing.isEmpty {
                    parts.append("removes what existed before its up: " + missing.joined(separator: "; "))
                }
                findings.append(
                    VerifyFinding(
                        file: migration.downPath,
                        message: "does not undo its up migration: " + parts.joined(separator: "; ")))
                break
            }
            guard let again = try attempt(migration.upSQL, migration.upPath, "up after down", &findings) else { break }
            if again != afterUp {
                let (extra, missing) = again.difference(from: afterUp)
                findings.append(
                    VerifyFinding(
                        file: migration.upPath,
                        message:
                            "applying it again after its down gives a different schema: extra \(extra.joined(separator: "; ")); missing \(missing.joined(separator: "; "))"
                    ))
                break
            }
            verified.append(migration)
        }
        return VerifyReport(findings: findings, verified: verified, skipped: skipped)
    }

    /// Runs a script inside a savepoint; on failure records a finding and returns nil.
    private func attempt(_ sql: String, _ file: String, _ phase: String, _ findings: inout [VerifyFinding])
        throws(MigrationError) -> CatalogSnapshot?
    {
        try run("SAVEPOINT rg_crm_verify")
        do {
            try runScript(sql, file: file)
        } catch {
            // Only a failed statement is a finding; anything else (above all a statement that ended verify's
            // transaction) stops verify, and its deferred ROLLBACK leaves the live schema as it was.
            guard case .failed(_, let line, let column, let cause) = error else { throw error }
            try run("ROLLBACK TO SAVEPOINT rg_crm_verify")
            findings.append(
                VerifyFinding(file: file, message: "fails during \(phase) at line \(line), column \(column): \(cause)"))
            return nil
        }
        try run("RELEASE SAVEPOINT rg_crm_verify")
        return try snapshot()
    }

    private func snapshot() throws(MigrationError) -> CatalogSnapshot {
        do { return try CatalogSnapshot.take(connection) } catch { throw .database(error) }
    }

    private func quoted(_ name: String) throws(MigrationError) -> String {
        try connection.quoteIdentifierOrThrow(name)
    }
}
