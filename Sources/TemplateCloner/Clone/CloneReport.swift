/// What a clone did (or, with `--dry-run`, would do) to each file.
public struct CloneReport: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case created, updated, unchanged, conflict
    }

    public struct File: Sendable, Equatable {
        public var path: String
        public var status: Status
        /// Copied byte for byte (binary, or text too large to render) rather than rendered.
        public var verbatim: Bool
        /// Tokens replaced in this file.
        public var replacements: Int
        /// `--force` overwrote a hand edit.
        public var forced: Bool
        /// For a conflict (or a forced overwrite): where the hand edit differs from the template.
        public var difference: LineDifference?
    }

    public var target: String
    public var files: [File]
    public var dryRun: Bool
    public var sourceDigest: String
    public var valuesDigest: String
    /// The manifest was (or would be) rewritten.
    public var manifestChanged: Bool

    public func count(_ status: Status) -> Int { files.filter { $0.status == status }.count }
    public var hasConflicts: Bool { count(.conflict) > 0 }
}
