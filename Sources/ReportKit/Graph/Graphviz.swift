import Foundation
import RGCore

/// SVG from DOT through Graphviz's `dot` (Debian's `graphviz`), found on PATH. The DOT goes in through a temporary
/// file and the warnings out to another, so neither pipe can fill up and stall `dot`.
public enum Graphviz {
    public struct Failure: RGError, Sendable {
        public var description: String
        public var category: ExitCategory
    }

    /// Where `dot` is, or nil.
    public static func dotExecutable(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/dot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static func svg(_ dot: String) throws(Failure) -> String {
        guard let executable = dotExecutable() else {
            throw Failure(
                description:
                    "--format svg needs Graphviz's `dot`, which is not on PATH (Debian: apt-get install graphviz)",
                category: .usage)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rg-crm-dot-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        } catch {
            throw Failure(
                description: "cannot make a temporary folder for dot: \(error.localizedDescription)", category: .failed)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("graph.dot")
        let output = directory.appendingPathComponent("graph.svg")
        let warnings = directory.appendingPathComponent("dot.err")
        do {
            try Data(dot.utf8).write(to: input)
            _ = FileManager.default.createFile(atPath: warnings.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-Tsvg", "-o", output.path, input.path]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: warnings)
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let message = (try? String(contentsOf: warnings, encoding: .utf8)) ?? ""
                throw Failure(
                    description: "dot failed (exit \(process.terminationStatus)): \(TerminalText.oneLine(message))",
                    category: .failed)
            }
            return try String(contentsOf: output, encoding: .utf8)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot run dot: \(error.localizedDescription)", category: .failed)
        }
    }
}
