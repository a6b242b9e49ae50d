import Foundation
import RGCore

/// The linter's entry points: one file's bytes (pure), or files and folders (read with a size limit, in parallel).
public enum WorkflowLinter {
    /// Workflows are a few kilobytes; anything bigger is refused before it is parsed.
    public static let maximumFileSize = 4 << 20
    public static let defaultDirectory = "automation/workflows"

    /// Lints one file's content. `path` names the file in findings; its name without extension is the expected id.
    public static func lint(
        _ bytes: [UInt8], path: String, tenant: TenantContext? = nil, limits: ParseLimits = ParseLimits()
    ) -> [Diagnostic] {
        var sink = FindingSink(file: path)
        let root = DocumentBuilder.build(bytes, limits: limits, sink: &sink)
        var checker = Checker(sink: sink, tenant: tenant, fileStem: fileStem(path), source: bytes)
        checker.check(root)
        return checker.sink.result.sorted(by: Diagnostic.ordered)
    }

    /// Lints files and folders (`*.yaml`, `*.yml` inside them), spreading the files over the cores.
    public static func lint(paths: [String], tenant: TenantContext? = nil) async -> LintReport {
        let (files, unreadable) = collectFiles(paths)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
        let results = await withTaskGroup(of: [FileResult].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    stride(from: worker, to: files.count, by: workers).map { lintFile(files[$0], tenant: tenant) }
                }
            }
            var all: [FileResult] = []
            for await chunk in group { all += chunk }
            return all
        }
        var report = LintReport(filesChecked: 0)
        report.unreadable = unreadable
        for result in results {
            switch result {
            case .linted(let path, let diagnostics, let source):
                report.filesChecked += 1
                report.diagnostics += diagnostics
                if !diagnostics.isEmpty { report.sources[path] = source }
            case .unreadable(let error):
                report.unreadable.append(error)
            }
        }
        report.diagnostics.sort(by: Diagnostic.ordered)
        report.unreadable.sort { $0.path < $1.path }
        return report
    }

    private enum FileResult: Sendable {
        case linted(String, [Diagnostic], [UInt8])
        case unreadable(FileError)
    }

    private static func lintFile(_ path: String, tenant: TenantContext?) -> FileResult {
        do {
            let bytes = try BoundedFile.read(path, limit: maximumFileSize)
            let diagnostics = lint(bytes, path: path, tenant: tenant)
            // Only a file with findings keeps its text (for the quoted line): holding every file's bytes until the
            // end costs memory, and the heap grows a step per file around them.
            return .linted(path, diagnostics, diagnostics.isEmpty ? [] : bytes)
        } catch {
            return .unreadable(error)
        }
    }

    /// Files named directly are linted whatever their extension; folders contribute their `*.yaml` and `*.yml`,
    /// subfolders included (linked folders are not followed), in name order.
    public static func collectFiles(_ paths: [String]) -> (files: [String], unreadable: [FileError]) {
        var files: [String] = []
        var unreadable: [FileError] = []
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0 else {
                unreadable.append(FileError(path: path, reason: "no such file or folder"))
                continue
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                files.append(path)
                continue
            }
            var found: [String] = []
            walk(path, relative: "", into: &found, unreadable: &unreadable)
            files += found.sorted().map { join(path, $0) }
        }
        var seen: Set<String> = []
        return (files.filter { seen.insert($0).inserted }, unreadable)
    }

    /// Adds the workflow files under `root/relative` (as paths relative to `root`); a folder that cannot be read,
    /// or stops being readable midway, is reported and the walk goes on.
    private static func walk(_ root: String, relative: String, into found: inout [String], unreadable: inout [FileError]) {
        let folder = relative.isEmpty ? root : join(root, relative)
        guard let stream = opendir(folder) else {
            unreadable.append(FileError(path: folder, reason: "folder cannot be read: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(stream) }
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 {
                    unreadable.append(
                        FileError(path: folder, reason: "folder cannot be read: \(String(cString: strerror(errno)))"))
                }
                return
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var status = stat()
                isFolder = lstat(folder + "/" + name, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
            }
            if isFolder {
                walk(root, relative: path, into: &found, unreadable: &unreadable)
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                found.append(path)
            }
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    static func fileStem(_ path: String) -> String {
        // Sliced by bytes: a combining mark right after the slash must stay part of the name.
        let name = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(Substring(path.utf8[path.utf8.index(after: $0)...])) } ?? path
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        return name
    }
}

/// What a lint run found: findings, files that could not be read (exit 2), and the text of files with findings.
public struct LintReport: Sendable {
    public var diagnostics: [Diagnostic] = []
    public var unreadable: [FileError] = []
    public var filesChecked: Int
    var sources: [String: [UInt8]] = [:]

    public init(filesChecked: Int) { self.filesChecked = filesChecked }

    /// The text of line `line` of a linted file, for the text format's quote and caret.
    public func sourceLine(_ file: String, _ line: Int) -> String? {
        sources[file].flatMap { SourceText.line(line, in: $0) }
    }

    /// 2 when a file could not be read, else 1 for findings (warnings too under `strict`), else 0.
    public func exitCode(strict: Bool) -> CheckExitCode {
        unreadable.isEmpty ? .forFindings(diagnostics, strict: strict) : .usage
    }
}

enum SourceText {
    /// Line `number` (1-based) of UTF-8 text, without its line break.
    static func line(_ number: Int, in bytes: [UInt8]) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = 0
        var index = 0
        while index < bytes.count, current < number {
            if bytes[index] == 0x0A {
                current += 1
                start = index + 1
            }
            index += 1
        }
        guard current == number, start <= bytes.count else { return nil }
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
