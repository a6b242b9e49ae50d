/// The report formats every checker offers through `--format`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github
}

/// Everything a formatter may need besides the findings.
public struct ReportContext: Sendable {
    /// The tool's name and version for SARIF's `tool.driver`.
    public var toolName: String
    public var toolVersion: String
    /// Where to read about the tool (SARIF's `informationUri`): the executable's to say, left out when nil.
    public var informationURI: String?
    /// Every rule the checker knows, so that SARIF lists them even when they found nothing.
    public var rules: [RuleDescription]
    /// Colour for the text format (a terminal without NO_COLOR).
    public var colour: Bool
    /// The source text of a file, for the text format's quoted line and caret.
    public var sourceLine: @Sendable (_ file: String, _ line: Int) -> String?

    public init(
        toolName: String = "rg-crm", toolVersion: String, informationURI: String? = nil,
        rules: [RuleDescription], colour: Bool,
        sourceLine: @escaping @Sendable (String, Int) -> String? = { _, _ in nil }
    ) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.informationURI = informationURI
        self.rules = rules
        self.colour = colour
        self.sourceLine = sourceLine
    }
}

/// Renders findings in one format. One implementation per `OutputFormat` case.
public protocol DiagnosticFormatter: Sendable {
    func render(_ diagnostics: [Diagnostic], context: ReportContext) -> String
}

extension OutputFormat {
    public var formatter: any DiagnosticFormatter {
        switch self {
        case .text: TextFormatter()
        case .json: JSONFormatter()
        case .sarif: SARIFFormatter()
        case .github: GitHubFormatter()
        }
    }
}
