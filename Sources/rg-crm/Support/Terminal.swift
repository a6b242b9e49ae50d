import Foundation
import ArgumentParser
import MigrationKit
import Postgres
import RGCore

/// Where output goes and whether it may be coloured: colour only on a terminal, never with NO_COLOR set.
enum Terminal {
    static func useColour(_ stream: Int32 = STDOUT_FILENO) -> Bool {
        if let noColour = ProcessInfo.processInfo.environment["NO_COLOR"], !noColour.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(stream) == 1
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// One line to standard error: progress and errors never mix with machine-readable output. Whatever the text
    /// quotes (a file name, a server's message) stays on that one line, with control characters escaped.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.oneLine(text) + "\n").utf8))
    }
}

/// A failure already explained to the user in one line; exits with `code` without ArgumentParser's usage text.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32

    init(_ message: String, code: Int32 = 1) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

/// Runs a command body; any error becomes one line on standard error (`rg-crm: error: …`) and an exit code:
/// 2 for bad input (config, slug, URL, files), 1 for a failed operation, or the code a `CommandFailure` carries.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw reported(error)
    }
}

/// The same for async command bodies.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw reported(error)
    }
}

/// Prints an error as one line and turns it into the exit code it stands for.
private func reported(_ error: any Error) -> ExitCode {
    switch error {
    case let exit as ExitCode:
        return exit
    case let failure as CommandFailure:
        Terminal.note("rg-crm: error: \(failure.message)")
        return ExitCode(failure.code)
    case let config as ConfigError:
        // A config pack's issues: one line each.
        // A config pack's issues: one line each, the file's own text (keys, values) with its line breaks escaped.
        for issue in config.issues { Terminal.note("rg-crm: error: \(TerminalText.escaped(issue.description))") }
        return ExitCode(ExitCodes.code(for: error))
    default:
        Terminal.note("rg-crm: error: \(String(describing: error))")
        return ExitCode(ExitCodes.code(for: error))
    }
}

enum ExitCodes {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let fatal: Int32 = 3

    static func code(for error: any Error) -> Int32 {
        switch error {
        case is ConfigError, is SlugError, is FileError: usage
        case let error as PostgresError where error.kind == .invalidURL: usage
        case MigrationError.source, MigrationError.invalidTarget: usage
        case MigrationError.database(let error) where error.kind == .invalidURL: usage
        default: failure
        }
    }
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
