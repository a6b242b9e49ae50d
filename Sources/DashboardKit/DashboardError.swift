import RGCore

/// Every failure of DashboardKit, as one line that names the step and the object (`card 'Won revenue' (Revenue per
/// Package): 400 dataset_query: value must be a map`). Bad input (a dashboard file, a flag, a missing tenant
/// database) is `.usage`; anything Metabase or the network refused is `.failed`. Never holds a secret: texts that
/// come from outside are passed through `MetabaseClient.redacted` first.
public struct DashboardError: RGError, Sendable, Equatable {
    public var category: ExitCategory
    public var description: String
    /// A 5xx, a broken connection or a timeout: worth another try (for a POST, after a look shows it did not land).
    public var transient: Bool

    public init(_ description: String, category: ExitCategory, transient: Bool = false) {
        self.category = category
        self.description = TerminalText.oneLine(description)
        self.transient = transient
    }

    public static func usage(_ description: String) -> DashboardError { DashboardError(description, category: .usage) }
    public static func failed(_ description: String) -> DashboardError {
        DashboardError(description, category: .failed)
    }

    /// A dashboard file that does not hold what the importer reads: `path:line:col: message`.
    static func file(_ path: String, _ position: SourcePosition?, _ message: String) -> DashboardError {
        let place = position.map { ":\($0.line):\($0.column)" } ?? ""
        return .usage("\(path)\(place): \(message)")
    }
}
