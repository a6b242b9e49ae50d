/// How bad a finding is. `error` fails a check; `warning` fails it only under `--strict`.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding of any checker (lint, templates check, config validation): 1-based positions.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var rule: String
    public var message: String
    /// The closing "N more findings in this file not shown" note of a file whose findings were capped: it stands at
    /// the file's last finding and sorts after everything there.
    public var isLimitNote: Bool

    public init(
        file: String, line: Int, column: Int, severity: Severity, rule: String, message: String,
        isLimitNote: Bool = false
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.rule = rule
        self.message = message
        self.isLimitNote = isLimitNote
    }

    /// Sort order of every report: by file, then position, then rule; a file's limit note last.
    public static func ordered(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.isLimitNote ? 1 : 0, lhs.rule, lhs.message)
            < (rhs.file, rhs.line, rhs.column, rhs.isLimitNote ? 1 : 0, rhs.rule, rhs.message)
    }

    /// The note that closes a file's capped findings, placed at the last of them.
    public static func limitNote(after kept: [Diagnostic], file: String, dropped: Int, limit: Int) -> Diagnostic {
        let last = kept.max { ($0.line, $0.column) < ($1.line, $1.column) }
        return Diagnostic(
            file: file, line: last?.line ?? 1, column: last?.column ?? 1, severity: .error, rule: last?.rule ?? "limit",
            message: "\(dropped) more findings in this file not shown (limit \(limit))", isLimitNote: true)
    }
}

/// What a rule says about itself: reports (SARIF `tool.driver.rules`, `--list-rules`) are built from this.
public struct RuleDescription: Sendable, Hashable {
    public var id: String
    public var summary: String
    public var severity: Severity

    public init(id: String, summary: String, severity: Severity) {
        self.id = id
        self.summary = summary
        self.severity = severity
    }
}
