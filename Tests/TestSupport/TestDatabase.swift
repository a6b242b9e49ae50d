import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// Where the tests' PostgreSQL is, and fresh databases on it. Tests that need the server fail, loudly and
/// never silently skipped, when `DATABASE_URL` is not set: start it with `eval "$(scripts/pg.sh start)"`,
/// or run the whole suite with `scripts/test.sh`.
public enum TestDatabase {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "DATABASE_URL is not set: these tests need the real PostgreSQL; run scripts/test.sh or eval \"$(scripts/pg.sh start)\""
        }
    }

    /// The server's URL from the environment (the role there must have CREATEDB).
    public static func baseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { throw Missing() }
        return url
    }

    /// Creates an empty database with a unique name and returns its URL; `drop(_:)` removes it.
    public static func create(_ label: String = "t") throws -> String {
        let base = try baseURL()
        let admin = try Connection(conninfo: base)
        let name = "rgcrm_test_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(name))")
        return url(base, database: name)
    }

    public static func drop(_ url: String) {
        guard let base = try? baseURL(), let admin = try? Connection(conninfo: base), let name = databaseName(url)
        else { return }
        if let quoted = try? admin.quoteIdentifier(name) {
            _ = try? admin.query("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        }
    }

    /// A fresh database for the duration of `body`.
    public static func with<T>(_ label: String = "t", _ body: (String) throws -> T) throws -> T {
        let url = try create(label)
        defer { drop(url) }
        return try body(url)
    }

    /// The same URL pointing at another database.
    public static func url(_ base: String, database: String) -> String {
        guard let scheme = base.range(of: "://") else { return "\(base) dbname=\(database)" }
        let afterScheme = base[scheme.upperBound...]
        let query = afterScheme.firstIndex(of: "?")
        let authority = afterScheme[..<(query ?? afterScheme.endIndex)]
        let hostPart = authority.firstIndex(of: "/").map { authority[..<$0] } ?? authority
        let rest = query.map { String(afterScheme[$0...]) } ?? ""
        return String(base[..<scheme.upperBound]) + hostPart + "/" + database + rest
    }

    static func databaseName(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let afterScheme = url[scheme.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
        return String(afterScheme[afterScheme.index(after: slash)...].prefix { $0 != "?" })
    }
}

/// Paths of the package and the shared test data beside it.
public enum TestPaths {
    /// The package root, found from this file's place in Tests/TestSupport.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func repository(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// `../shared/<relative>` beside the repository (the platform's real artefacts).
    public static func shared(_ relative: String) -> String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative).path
    }

    /// The built `rg-crm` executable (swift test builds it first).
    public static var executable: String {
        let candidates = [
            ".build/debug/rg-crm", ".build/x86_64-unknown-linux-gnu/debug/rg-crm",
            ".build/aarch64-unknown-linux-gnu/debug/rg-crm",
        ]
        return candidates.map(repository).first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? repository(candidates[0])
    }

    /// A new empty temporary folder.
    public static func temporaryDirectory(_ label: String = "rg-crm") throws -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Copies the shipped migrations into a temporary folder, for tests that edit them.
    public static func copyOfMigrations() throws -> String {
        let target = try temporaryDirectory("migrations")
        let source = repository("db/migrations")
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: target + "/" + file)
        }
        return target
    }
}

/// Runs the rg-crm executable and captures what it printed.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs programs and captures what they print: the rg-crm binary, python3 for schema checks.
public enum TestProcess {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil
    ) throws -> CommandResult {
        try start(executable, arguments, environment: environment, directory: directory).wait()
    }

    /// `environment` adds or (with nil) removes variables of the test process's own environment.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil
    ) throws -> RunningCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? TestPaths.packageRoot.path)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningCommand(process: process, out: out, err: err)
    }
}

/// The rg-crm executable, run as a user would.
public enum RGCRMProcess {
    public static func run(_ arguments: [String], environment: [String: String?] = [:], directory: String? = nil) throws
        -> CommandResult
    {
        try TestProcess.run(TestPaths.executable, arguments, environment: environment, directory: directory)
    }

    public static func start(_ arguments: [String], environment: [String: String?] = [:], directory: String? = nil)
        throws
        -> RunningCommand
    {
        try TestProcess.start(TestPaths.executable, arguments, environment: environment, directory: directory)
    }
}

public final class RunningCommand: @unchecked Sendable {
    let process: Process
    let out: Pipe
    let err: Pipe

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        self.out = out
        self.err = err
    }

    /// Sends SIGKILL: the process dies as a crash or an OOM kill would leave it.
    public func kill() { Glibc.kill(process.processIdentifier, SIGKILL) }

    /// Waits at most `seconds`. A process still running then is killed and nil is returned: a test that would hang
    /// (a read blocked on a FIFO) fails instead of hanging the suite.
    public func wait(timeout seconds: Double) -> CommandResult? {
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: CommandResult?
        DispatchQueue.global().async {
            result = self.wait()
            finished.signal()
        }
        if finished.wait(timeout: .now() + seconds) == .success { return result }
        kill()
        finished.wait()
        return nil
    }

    public func wait() -> CommandResult {
        // Read both pipes before waiting so a full pipe cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data()
        nonisolated(unsafe) var stderr = Data()
        group.enter()
        DispatchQueue.global().async {
            stdout = self.out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        stderr = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
