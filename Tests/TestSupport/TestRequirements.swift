import Foundation

/// Conditions for `.enabled(if:_:)` on tests that need something outside the repository: the real data in
/// `../shared`, a Python module, a program. Each is true when the thing is there, and always true under `CI=true`,
/// so that a local run shows such a test as skipped with its reason — never as passed — while under CI a missing
/// input makes the test run and fail.
///
///     @Test(.enabled(if: TestRequirements.shared("data/origin/x.zip"), "needs ../shared/data/origin/x.zip"))
public enum TestRequirements {
    /// CI sets CI=true (.ci/run does too).
    /// CI=true (as .ci/run and most CI systems set it), or 1 or yes.
    public static var underCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// `../shared/<relative>` exists beside the repository, or this is CI.
    public static func shared(_ relative: String) -> Bool {
        underCI || FileManager.default.fileExists(atPath: TestPaths.shared(relative))
    }

    /// `python3` can import every one of `modules`, or this is CI.
    public static func python(_ modules: String...) -> Bool {
        underCI || Python.canImport(modules)
    }

    /// `path` is an executable file, or this is CI.
    public static func executable(_ path: String) -> Bool {
        underCI || FileManager.default.isExecutableFile(atPath: path)
    }
}

/// Runs Python, for tests that validate output with Python's libraries (jsonschema, xmlschema, tap.py).
public enum Python {
    /// `python3 -c script arguments…`.
    public static func run(_ script: String, arguments: [String] = []) throws -> CommandResult {
        try TestProcess.run("/usr/bin/env", ["python3", "-c", script] + arguments)
    }

    /// Whether `python3` is there and imports every one of `modules` (scripts/bootstrap.sh installs them).
    public static func canImport(_ modules: [String]) -> Bool {
        let script = modules.map { "import \($0)" }.joined(separator: "\n")
        return (try? run(script))?.status == 0
    }
}

/// Thrown (a failure, never a skip) when a test that was enabled lacks its input: under CI, or when it vanished.
public struct MissingTestInput: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "\(path) is missing; CI must have ../shared beside the repository" }

    public init(path: String) { self.path = path }

    /// The path of `../shared/<relative>`, or this error when it does not exist.
    public static func shared(_ relative: String) throws -> String {
        let path = TestPaths.shared(relative)
        guard FileManager.default.fileExists(atPath: path) else { throw MissingTestInput(path: path) }
        return path
    }
}
