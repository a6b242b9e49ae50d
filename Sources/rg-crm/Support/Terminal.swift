import ArgumentParser
import Foundation
import RGCore

/// Where output goes and whether it may be coloured: colour only on a terminal, never with NO_COLOR set.
enum Terminal {
    static func useColour(_ stream: Int32 = STDOUT_FILENO) -> Bool {
        if let noColour = ProcessInfo.processInfo.environment["NO_COLOR"], !noColour.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(stream) == 1
    }

    /// Results to standard output. When it cannot be written (closed: `rg-crm … >&-`, a full disk behind a
    /// redirect) the command stops with one error line and exit 1, instead of Foundation's crash.
    static func write(_ text: String) {
        if let reason = writeAll(STDOUT_FILENO, text) {
            note("rg-crm: error: cannot write to standard output: \(reason)")
            RGCRM.exit(withError: ExitStatus.failed.exitCode)
        }
    }

    /// One line to standard error: progress and errors never mix with machine-readable output. Whatever the text
    /// quotes (a file name, a server's message) stays on that one line, with control characters escaped. With
    /// standard error gone there is nowhere left to say anything, and the line is dropped.
    static func note(_ text: String) {
        _ = writeAll(STDERR_FILENO, TerminalText.oneLine(text) + "\n")
    }

    /// Writes every byte (write(2) may take fewer at a time); nil, or why it could not.
    private static func writeAll(_ descriptor: Int32, _ text: String) -> String? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            bytes = bytes.dropFirst(written)
        }
        return nil
    }
}

/// A refusal the command itself decides (a destructive step not confirmed), with its category.
struct CommandFailure: RGError {
    var message: String
    var category: ExitCategory

    init(_ message: String, category: ExitCategory) {
        self.message = message
        self.category = category
    }

    var description: String { message }
}

/// Runs a command body; any error becomes its lines on standard error (`rg-crm: error: …`) and the exit code its
/// category stands for (`ExitStatus(_:)`): 2 bad input, 1 a failed operation, 3 anything that is not an `RGError`.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw reported(error)
    }
}

/// The same for async command bodies.
func reportingAsyncErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw reported(error)
    }
}

/// Prints an error as its lines and turns it into the exit code it stands for. An exit already decided (by `finish`)
/// passes through.
func reported(_ error: any Error) -> ExitCode {
    if let exit = error as? ExitCode { return exit }
    printError(error)
    return ExitStatus(error).exitCode
}

/// `rg-crm: error: …` for each of an error's lines, or `rg-crm: error: internal: …` for an error no library foresaw.
func printError(_ error: any Error) {
    for line in ErrorReport.lines(for: error) { Terminal.note(line) }
}

/// Ends a command whose outcome is already printed (findings, conflicts, drift) with its status; nothing on success.
func finish(_ status: ExitStatus) throws {
    if status != .success { throw status.exitCode }
}

extension ExitStatus {
    /// The one place an exit status becomes the process's exit code.
    var exitCode: ExitCode { ExitCode(rawValue) }
}

/// `--format text|json` of the commands that print a listing.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The closing line of a checker's text report, on standard error: `linted 3 file(s): no findings`.
enum FindingSummary {
    static func line(_ diagnostics: [Diagnostic], subject: String, verb: String) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        let findings = errors + warnings == 0 ? "no findings" : "\(errors) error(s), \(warnings) warning(s)"
        return "\(verb) \(subject): \(findings)"
    }
}
