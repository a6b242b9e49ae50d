import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `scripts/pg.sh`, the throwaway server of the demo and the tests, run from a copy of its own.
@Suite struct PGScriptTests {
    /// A root of its own with the script in it, as a second checkout would have.
    static func checkout() throws -> String {
        let root = try TestPaths.temporaryDirectory("pgsh")
        try FileManager.default.createDirectory(atPath: root + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.repository("scripts/pg.sh"), toPath: root + "/scripts/pg.sh")
        try FileManager.default.copyItem(atPath: TestPaths.repository("scripts/lib"), toPath: root + "/scripts/lib")
        return root
    }

    /// Runs the script with its output in files and waits with waitpid: the script leaves a server running in the
    /// background, and Foundation's Process has been seen never to notice such a script's exit (waitUntilExit hung).
    static func script(_ root: String, _ command: String, environment: [String: String?] = [:]) throws -> CommandResult
    {
        let out = root + "/.out-\(UUID().uuidString)"
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let line = "cd '\(root)' && exec bash scripts/pg.sh \(command) >'\(out).1' 2>'\(out).2' </dev/null"
        let words: [String] = ["/bin/bash", "-c", line]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in arguments + variables { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", nil, nil, arguments, variables) == 0 else { throw POSIXError(.ECHILD) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        defer {
            unlink(out + ".1")
            unlink(out + ".2")
        }
        let stdout = (try? String(contentsOfFile: out + ".1", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: out + ".2", encoding: .utf8)) ?? ""
        return CommandResult(
            status: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: stdout, stderr: stderr)
    }

    /// The `export NAME='value'` lines `start` and `env` print.
    static func exports(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
                .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return values
    }

    static func connect(_ environment: [String: String]) throws -> Connection {
        try Connection(
            conninfo:
                "\(environment["DATABASE_URL"] ?? "")?passfile=\(environment["PGPASSFILE"] ?? "")&connect_timeout=5")
    }

    @Test func aTakenPortIsSaidAndAFreeOneTakenAndAnInterruptedSetUpIsFinishedByTheNextStart() throws {
        let root = try Self.checkout()
        defer {
            _ = try? Self.script(root, "destroy")
            try? FileManager.default.removeItem(atPath: root)
        }
        let taken = try ListeningSocket()
        let first = try Self.script(root, "start", environment: ["RG_PG_PORT": String(taken.port)])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("port \(taken.port) is taken; using "), "\(first.stderr)")
        let environment = Self.exports(first.stdout)
        let port = try #require(
            environment["DATABASE_URL"]?.split(separator: ":").last?.split(separator: "/").first.flatMap { Int($0) })
        #expect(port != taken.port)
        #expect(try Self.connect(environment).query("SELECT inet_server_port()").scalar == String(port))
        // `env` prints the same place, whatever RG_PG_PORT says now.
        #expect(Self.exports(try Self.script(root, "env", environment: ["RG_PG_PORT": nil]).stdout) == environment)

        // A set-up cut short after initdb (before the role, as when the first start failed): the next start finishes it.
        let admin = try Connection(conninfo: try #require(environment["RG_PG_ADMIN_URL"]))
        try admin.query("DROP DATABASE rgcrm")
        try admin.query("DROP ROLE rgcrm")
        try FileManager.default.removeItem(atPath: root + "/.pg/ready")
        #expect(throws: PostgresError.self) { try Self.connect(environment) }
        let repaired = try Self.script(root, "start")
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(Self.exports(repaired.stdout) == environment)
        #expect(try Self.connect(environment).query("SELECT current_user").scalar == "rgcrm")

        // Stopped and started again while the port is still free: the same port, nothing to repair.
        #expect(try Self.script(root, "stop").status == 0)
        let again = try Self.script(root, "start")
        #expect(again.status == 0 && !again.stderr.contains("is taken"), "\(again.stderr)")
        #expect(try Self.connect(environment).query("SELECT 1").scalar == "1")
    }

    /// As root, a checkout the server user cannot enter keeps its cluster in /var/tmp under a name derived from the
    /// checkout's path; a name planted there beforehand (a link to someone's folder) is refused, never chowned or
    /// deleted.
    @Test(.enabled(if: getuid() == 0, "needs root: the /var/tmp fallback is root's"))
    func aLinkPlantedWhereTheClusterWouldGoIsRefused() throws {
        let root = try Self.checkout()
        #expect(chmod(root, 0o700) == 0)
        let victim = try TestPaths.temporaryDirectory("victim")
        try "keep".write(toFile: victim + "/f", atomically: true, encoding: .utf8)
        let digest = try TestProcess.run("/bin/bash", ["-c", "echo \"$0\" | md5sum | cut -c1-12", root]).stdout
        let alternative = "/var/tmp/rg-crm-pg-" + digest.trimmingCharacters(in: .whitespacesAndNewlines)
        defer {
            _ = try? Self.script(root, "destroy")
            unlink(alternative)
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: victim)
        }
        #expect(symlink(victim, alternative) == 0)
        let refused = try Self.script(root, "start")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is not a folder of the postgres user made by pg.sh"), "\(refused.stderr)")
        var status = stat()
        #expect(stat(victim, &status) == 0 && status.st_uid == 0, "the planted link's target keeps its owner")
        #expect(FileManager.default.fileExists(atPath: victim + "/f"))

        unlink(alternative)
        let started = try Self.script(root, "start")
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try Self.connect(Self.exports(started.stdout)).query("SELECT 1").scalar == "1")
        #expect(try Self.script(root, "destroy").status == 0)
        #expect(!FileManager.default.fileExists(atPath: alternative))
        #expect(FileManager.default.fileExists(atPath: victim + "/f"))
    }
}
