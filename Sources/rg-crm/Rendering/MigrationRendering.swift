import MigrationKit
import RGCore

enum MigrationRendering {
    static func dryRun(_ migrations: [Migration]) -> String {
        migrations.map { migration in
            "-- \(migration.id) (\(migration.upPath))\(migration.transactional ? "" : " — non-transactional")\n"
                + migration.upSQL + (migration.upSQL.hasSuffix("\n") ? "" : "\n")
        }.joined(separator: "\n")
    }

    static func statusText(_ status: MigrationStatus, colour: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var lines = ["Database version: \(Migration.format(status.currentVersion))"]
        if status.applied.isEmpty { lines.append("Applied: none") } else { lines.append("Applied:") }
        for (row, state) in status.applied {
            let mark =
                switch state {
                case .ok: paint("ok", "32")
                case .changed: paint("CHANGED", "1;31")
                case .missing: paint("MISSING", "1;31")
                }
            // The history table is the database's: its names are shown escaped, whoever wrote them.
            lines.append(
                "  \(Migration.format(row.version))  \(TerminalText.escaped(row.name).padding(30))  \(TerminalText.escaped(row.appliedAt))  \(mark)"
            )
        }
        if status.pending.isEmpty { lines.append("Pending: none") } else { lines.append("Pending:") }
        for migration in status.pending {
            lines.append("  \(Migration.format(migration.version))  \(migration.name)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func statusJSON(_ status: MigrationStatus) -> String {
        let applied: [JSONValue] = status.applied.map { row, state in
            .object([
                ("version", .int(row.version)), ("name", .string(row.name)), ("checksum", .string(row.checksum)),
                ("applied_at", .string(row.appliedAt)), ("checksum_state", .string(state.rawValue)),
            ])
        }
        let pending: [JSONValue] = status.pending.map {
            .object([("version", .int($0.version)), ("name", .string($0.name))])
        }
        return JSONValue.object([("applied", .array(applied)), ("pending", .array(pending))]).serialized(indent: 2)
            + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
