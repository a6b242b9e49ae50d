/// The ordered changes of one command run: what it would do (a dry run) or what it did. One shape for every
/// command; `PlanRenderer` turns it into text or JSON.
public struct Plan: Sendable, Equatable {
    public var changes: [Change]
    /// False for a plan (`--dry-run`: nothing was changed), true for the report of a run that changed things.
    public var applied: Bool

    public init(_ changes: [Change], applied: Bool = false) {
        self.changes = changes
        self.applied = applied
    }

    /// Anything other than `unchanged`: what `--detailed-exitcode` reports as exit 2. A conflict counts, because
    /// the world differs from what the command would make it.
    public var hasChanges: Bool { changes.contains { $0.action != .unchanged } }

    public func count(_ action: Change.Action) -> Int { changes.reduce(0) { $0 + ($1.action == action ? 1 : 0) } }
}
