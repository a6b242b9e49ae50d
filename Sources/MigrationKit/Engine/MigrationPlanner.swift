/// A row of `crm.schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var checksum: String
    public var appliedAt: String
    public var executionMilliseconds: Int
    public var appliedBy: String
}

/// Whether an applied migration's file still matches what ran.
public enum ChecksumState: String, Sendable {
    case ok
    case changed
    case missing
}

public struct MigrationStatus: Sendable {
    public var applied: [(migration: AppliedMigration, state: ChecksumState)]
    public var pending: [Migration]

    public var currentVersion: Int { applied.last?.migration.version ?? 0 }
}

public enum RollbackTarget: Sendable, Equatable {
    case steps(Int)
    case version(Int)
}

/// The pure half of the engine: given what is applied and what is on disk, what to run. No I/O.
public enum MigrationPlanner {
    /// Checksum states of every applied migration, in version order.
    public static func states(applied: [AppliedMigration], available: [Migration]) -> [(
        AppliedMigration, ChecksumState
    )] {
        let files = Dictionary(uniqueKeysWithValues: available.map { ($0.version, $0) })
        return applied.sorted { $0.version < $1.version }.map { row in
            guard let file = files[row.version] else { return (row, .missing) }
            return (row, file.checksum == row.checksum ? .ok : .changed)
        }
    }

    /// Refuses a history that no longer matches the files: a changed or missing applied migration.
    public static func validate(applied: [AppliedMigration], available: [Migration]) throws(MigrationError) {
        let files = Dictionary(uniqueKeysWithValues: available.map { ($0.version, $0) })
        for (row, state) in states(applied: applied, available: available) {
            switch state {
            case .ok: continue
            case .missing: throw .missingFile(version: row.version, name: row.name)
            case .changed: throw .checksumMismatch(file: files[row.version]!.upPath, version: row.version)
            }
        }
    }

    /// The migrations to apply, in order, up to `target` (all when nil).
    public static func pending(applied: [AppliedMigration], available: [Migration], target: Int?) throws(MigrationError)
        -> [Migration]
    {
        try validate(applied: applied, available: available)
        let appliedVersions = Set(applied.map(\.version))
        let latest = applied.map(\.version).max() ?? 0
        if let target {
            if target < latest {
                throw .invalidTarget(
                    "--to \(Migration.format(target)) is below the applied version \(Migration.format(latest)); use db rollback to go down"
                )
            }
            if target != 0, !available.contains(where: { $0.version == target }) {
                throw .invalidTarget("--to \(Migration.format(target)): no migration has that version")
            }
        }
        let waiting = available.filter { !appliedVersions.contains($0.version) }
        if let stray = waiting.first(where: { $0.version < latest }) {
            throw .outOfOrder(stray, latestApplied: latest)
        }
        return waiting.filter { target == nil || $0.version <= target! }
    }

    /// The applied migrations to undo, newest first.
    public static func rollback(applied: [AppliedMigration], available: [Migration], target: RollbackTarget)
        throws(MigrationError) -> [Migration]
    {
        try validate(applied: applied, available: available)
        let files = Dictionary(uniqueKeysWithValues: available.map { ($0.version, $0) })
        let newestFirst = applied.sorted { $0.version > $1.version }
        let chosen: ArraySlice<AppliedMigration>
        switch target {
        case .steps(let count):
            guard count > 0 else { throw .invalidTarget("--steps must be at least 1") }
            chosen = newestFirst.prefix(count)
        case .version(let version):
            if version != 0, !applied.contains(where: { $0.version == version }) {
                throw .invalidTarget(
                    "--to \(Migration.format(version)): that version is not applied (use 0 to undo everything)")
            }
            chosen = newestFirst.prefix { $0.version > version }[...]
        }
        return try chosen.map { row throws(MigrationError) in
            guard let file = files[row.version] else { throw .missingFile(version: row.version, name: row.name) }
            return file
        }
    }
}
