/// One thing wrong in a config pack file: the file, the JSON path of the bad value, its position, and what was expected.
public struct ConfigIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// `$.pipelines[0].stages[2].sla_hours`; `$` for the whole document.
    public var path: String
    public var position: SourcePosition?
    public var message: String

    public init(file: String, path: String, position: SourcePosition?, message: String) {
        self.file = file
        self.path = path
        self.position = position
        self.message = message
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
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
