import RGCore

/// Everything that stops a clone. Each case reads as one complete sentence; a clone that throws has written nothing.
public enum TemplateClonerError: RGError, Sendable, Equatable {
    /// A token value (from `tenant.json` or given directly) has the wrong shape.
    case invalidValue(name: String, value: String, expected: String)
    /// Templates that cannot be rendered: unknown or malformed tokens, values that cannot be placed safely.
    case render([Diagnostic])
    /// A bundle entry (ZIP or folder) that is refused before anything is written.
    case unsafeEntry(bundle: String, entry: String, reason: String)
    /// A bundle that cannot be opened or read at all.
    case unreadableBundle(path: String, reason: String)
    /// A `--select` pattern that cannot be understood.
    case invalidSelector(String, reason: String)
    /// A folder the command was pointed at does not exist.
    case notFound(path: String, hint: String)
    /// Reading the target or moving files into place failed.
    case io(path: String, reason: String)
    /// The target (or a file or manifest in it) is something rg-crm will not read or write through: a symbolic
    /// link, a FIFO, a device. Refused before anything is written.
    case unsafeTarget(path: String, reason: String)
    /// A file `templates check` cannot check (not a regular file, unreadable, too large): never a silent pass.
    case uncheckable(path: String, reason: String)

    public static let shownProblems = 1000

    /// Bad templates, tokens, bundles, selectors and targets are bad input; failing to read the target or move
    /// files into place is a failed operation.
    public var category: ExitCategory {
        switch self {
        case .io: .failed
        case .invalidValue, .render, .unsafeEntry, .unreadableBundle, .invalidSelector, .notFound, .unsafeTarget,
            .uncheckable:
            .usage
        }
    }

    /// One error line per render problem (a clone's template problems read like a check's findings); one for the rest.
    public var lines: [String] {
        guard case .render = self else { return [description] }
        return description.split(separator: "\n").map(String.init)
    }

    public var description: String {
        switch self {
        case .invalidValue(let name, let value, let expected):
            return
                "token value {{\(name)}} = \(JSONValue.quote(value)) is not \(expected); fix tenant.json — nothing was written"
        case .render(let diagnostics):
            // At most `shownProblems` lines, like a check's findings: a template can hold a wrong token many times.
            let shown = diagnostics.prefix(Self.shownProblems)
            return shown.map { "\($0.file):\($0.line):\($0.column): \($0.message)" }.joined(separator: "\n")
                + (diagnostics.count > shown.count
                    ? "\n\(diagnostics.count - shown.count) more problems not shown (limit \(Self.shownProblems))" : "")
                + (diagnostics.count > 1
                    ? "\n\(diagnostics.count) problems; nothing was written" : " — nothing was written")
        case .unsafeEntry(let bundle, let entry, let reason):
            return "\(bundle): entry \(JSONValue.quote(entry)) is refused: \(reason); nothing was written"
        case .unreadableBundle(let path, let reason):
            return "\(path): cannot read the template bundle: \(reason)"
        case .invalidSelector(let selector, let reason):
            return "--select \(JSONValue.quote(selector)): \(reason)"
        case .notFound(let path, let hint):
            return "\(path): no such folder (\(hint))"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        case .unsafeTarget(let path, let reason):
            return "\(path): \(reason); nothing was written"
        case .uncheckable(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
