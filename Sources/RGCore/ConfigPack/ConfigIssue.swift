/// One thing wrong in a config pack file: the file, the JSON path of the bad value, its position, and what was expected.
public struct ConfigIssue: RGError, Sendable, Hashable {
    public var file: String
    /// `$.pipelines[0].stages[2].sla_hours`; `$` for the whole document.
    public var path: String
    public var position: SourcePosition?
    public var message: String
    /// The file (or the pack's folder) could not be read at all: nothing in it was checked.
    public var unreadable: Bool

    public var category: ExitCategory { .usage }

    public init(file: String, path: String, position: SourcePosition?, message: String, unreadable: Bool = false) {
        self.file = file
        self.path = path
        self.position = position
        self.message = message
        self.unreadable = unreadable
    }

    /// `configs/tenants/mrdj/crm.json: $.pipelines[0].stages[2].sla_hours: expected a positive number (line 14, column 22)`
    public var description: String {
        let place = position.map { " (line \($0.line), column \($0.column))" } ?? ""
        return "\(file): \(path): \(message)\(place)"
    }

    public var diagnostic: Diagnostic {
        Diagnostic(
            file: file, line: position?.line ?? 1, column: position?.column ?? 1, severity: .error, rule: "config",
            message: "\(path): \(message)")
    }
}

/// Every issue found in a config pack; thrown when there is at least one.
public struct ConfigError: RGError, Sendable {
    public var issues: [ConfigIssue]

    /// A bad config pack is bad input to every command that reads it.
    public var category: ExitCategory { .usage }

    /// One line per issue, the file's own text (keys, values) with its line breaks escaped.
    public var lines: [String] { issues.map { TerminalText.escaped($0.description) } }

    /// How `config check` ends when these are its findings: 2 when a file or the pack's folder could not be read
    /// (like lint's unreadable files), else 1.
    public var checkStatus: ExitStatus { issues.contains(where: \.unreadable) ? .usage : .failed }

    public init(_ issues: [ConfigIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
