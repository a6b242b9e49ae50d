import RGCore

/// What a clone did (or, with `--dry-run`, would do) to each file.
public struct CloneReport: Sendable, Equatable {
    /// A file's fate, in the words every plan uses: create, update, unchanged or conflict (a clone deletes nothing).
    public typealias Status = Change.Action

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

    /// The report as a plan: one `file` change per file, by path under the target, in path order. A conflict (and a
    /// forced overwrite) carries the lines that differ as before (the hand edit) and after (the template).
    public var plan: Plan {
        Plan(
            files.sorted { $0.path < $1.path }.map { file in
                var notes: [String] = []
                if file.verbatim { notes.append("copied verbatim") }
                if file.forced { notes.append("hand edit overwritten by --force") }
                if file.status == .conflict {
                    notes.append("edited by hand since the last clone; kept — --force overwrites it")
                }
                let shown = file.status == .conflict || file.forced ? file.difference : nil
                if let shown { notes.append("differs from line \(shown.line)") }
                return Change(
                    file.status, "file", "\(target)/\(file.path)",
                    detail: notes.isEmpty ? nil : notes.joined(separator: "; "),
                    before: shown.flatMap { Self.text($0.current) }, after: shown.flatMap { Self.text($0.template) })
            },
            applied: !dryRun)
    }

    /// Lines as one text; none (a block only added or only removed) as nil, so that no empty line is shown for it.
    private static func text(_ lines: [String]) -> String? { lines.isEmpty ? nil : lines.joined(separator: "\n") }
}
