/// What kind of failure an error stands for. Each error says its own kind; the executable turns the kind into the
/// exit status in one place (`ExitStatus(_:)`), so no command chooses a code.
public enum ExitCategory: Sendable, Hashable, CaseIterable {
    /// Bad input or invocation: a malformed URL, config file, slug, flag or template, a file that cannot be read.
    case usage
    /// An operation failed (a server refused or was not there, a query or a write failed) or a check found something.
    case failed
    /// Something rg-crm did not foresee: a bug to report.
    case `internal`

    /// The category of any error: its own if it is an `RGError`, else `internal`.
    public static func of(_ error: any Error) -> ExitCategory {
        (error as? any RGError)?.category ?? .internal
    }
}

/// The contract of every error a library of rg-crm throws: its category decides the exit code, and its
/// `description` is one complete line that names the file, server or step involved (and what to do next where that
/// helps) and never a secret: no password, token, query string or user info of a URL.
public protocol RGError: Error, CustomStringConvertible {
    var category: ExitCategory { get }

    /// What is printed, each line as `rg-crm: error: <line>`: the description by default; an error that holds
    /// several independent problems (a config pack's issues) gives one line each.
    var lines: [String] { get }
}

extension RGError {
    public var lines: [String] { [description] }
}

/// How any error is shown on standard error: `rg-crm: error: …` for each of an `RGError`'s lines, and
/// `rg-crm: error: internal: …` for an error no library foresaw.
public enum ErrorReport {
    public static func lines(for error: any Error) -> [String] {
        guard let error = error as? any RGError else {
            return ["rg-crm: error: internal: \(String(describing: error))"]
        }
        return error.lines.map { "rg-crm: error: \($0)" }
    }
}
