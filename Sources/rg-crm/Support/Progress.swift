import MigrationKit

enum Progress {
    /// Progress goes to standard error, so standard output stays machine-readable.
    static func migration(_ event: MigrationProgress) {
        switch event {
        case .waitingForLock: Terminal.note("waiting for another migration run to finish…")
        case .applying: break
        case .applied(let migration, let milliseconds): Terminal.note("applied \(migration.id) (\(milliseconds) ms)")
        case .rollingBack: break
        case .rolledBack(let migration, let milliseconds):
            Terminal.note("rolled back \(migration.id) (\(milliseconds) ms)")
        }
    }
}
