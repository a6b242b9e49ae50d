import RGCore

/// Collects one file's findings. A problem in a node reached through an alias is reported twice: where the anchor
/// defines it and where the alias uses it. The number of findings per file is bounded.
struct FindingSink {
    let file: String
    let limit: Int
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var dropped = 0
    private var seen: Set<Diagnostic> = []

    init(file: String, limit: Int = 1000) {
        self.file = file
        self.limit = limit
    }

    /// No more findings will be kept: work that only places one (a position inside a string) can be skipped.
    var isFull: Bool { diagnostics.count >= limit }

    mutating func report(_ rule: RuleID, at position: SourcePosition, _ message: String, severity: Severity? = nil) {
        let diagnostic = Diagnostic(
            file: file, line: position.line, column: position.column,
            severity: severity ?? RuleCatalogue.severity(of: rule), rule: rule.rawValue, message: message)
        guard !seen.contains(diagnostic) else { return }
        guard diagnostics.count < limit else {
            dropped += 1
            return
        }
        seen.insert(diagnostic)
        diagnostics.append(diagnostic)
    }

    /// Reports at `position` inside `node` (the node itself by default), and again at the alias it was reached through.
    mutating func report(_ rule: RuleID, _ node: Node, _ message: String, at position: SourcePosition? = nil) {
        let place = position ?? node.position
        guard let via = node.via else {
            report(rule, at: place, message)
            return
        }
        report(
            rule, at: place,
            "\(message) (used through alias '*\(via.name)' at \(via.position.line):\(via.position.column))")
        report(rule, at: via.position, "\(message) (in anchor '&\(via.name)' at \(place.line):\(place.column))")
    }

    /// The findings, with one closing note when the limit cut some off.
    var result: [Diagnostic] {
        guard dropped > 0 else { return diagnostics }
        return diagnostics + [Diagnostic.limitNote(after: diagnostics, file: file, dropped: dropped, limit: limit)]
    }
}
