import RGCore

/// Why `tenant init` wrote nothing.
public enum TenantInitError: RGError, Sendable {
    /// The new pack would not pass `config check`: one line per problem, naming the flag that set the value (or the
    /// JSON path of a value copied from the source pack).
    case invalid([String])
    /// The tenant's folder already holds something other than exactly this pack.
    case exists(directory: String, reason: String)
    /// The pack copied from does not load.
    case source(ConfigError)
    /// A file that cannot be read or written.
    case file(FileError)

    public var category: ExitCategory {
        switch self {
        case .invalid, .exists, .source: .usage
        case .file(let error): error.category
        }
    }

    public var lines: [String] {
        switch self {
        case .invalid(let lines): lines.map { TerminalText.escaped($0) }
        case .source(let error): error.lines
        default: [TerminalText.escaped(description)]
        }
    }

    public var description: String {
        switch self {
        case .invalid(let lines): lines.joined(separator: "\n")
        case .exists(let directory, let reason):
            "\(directory) already exists (\(reason)); tenant init never overwrites a config pack — edit it by hand, or remove the folder first (nothing was written)"
        case .source(let error): error.description
        case .file(let error): error.description
        }
    }
}
