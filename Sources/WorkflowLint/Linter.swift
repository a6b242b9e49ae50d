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
        var texts: [String: [UInt8]] = [:]
        for result in results {
            switch result {
            case .linted(let path, let diagnostics, let source):
                report.filesChecked += 1
                report.diagnostics += diagnostics
                if !diagnostics.isEmpty { texts[path] = source }
            case .unreadable(let error):
                report.unreadable.append(error)
            }
        }
        report.lines = texts.mapValues { LineIndex($0, breaks: .yaml).lineTexts }
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
    private static func walk(
        _ root: String, relative: String, into found: inout [String], unreadable: inout [FileError]
    ) {
        let folder = relative.isEmpty ? root : join(root, relative)
        guard let stream = opendir(folder) else {
            unreadable.append(
                FileError(path: folder, reason: "folder cannot be read: \(String(cString: strerror(errno)))"))
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
            let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if nameBytes == [0x2E] || nameBytes == [0x2E, 0x2E] { continue }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let path = relative.isEmpty ? name : relative + "/" + name
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var status = stat()
                isFolder = lstat(folder + "/" + name, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
            }
            guard Array(name.utf8) == nameBytes else {
                // A name that is not UTF-8 cannot be spelled back to the file system from a String.
                unreadable.append(FileError(path: join(folder, name), reason: "name is not valid UTF-8; rename it"))
                continue
            }
            if isFolder {
                walk(root, relative: path, into: &found, unreadable: &unreadable)
            } else if workflowExtensionLength(nameBytes) != nil {
                found.append(path)
            }
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The length of a name's ".yaml" or ".yml", compared as bytes (a name whose last character joins its dot into
    /// one Character still ends in ".yaml"); nil for other names.
    static func workflowExtensionLength(_ name: [UInt8]) -> Int? {
        [".yaml", ".yml"].first { name.reversed().starts(with: $0.utf8.reversed()) }?.utf8.count
    }

    /// The file name without its extension: the expected workflow id. Cut by bytes: a combining mark right after the
    /// slash, or a character that joins the dot, stays part of the name.
    static func fileStem(_ path: String) -> String {
        let bytes = Array(path.utf8)
        let name = bytes.lastIndex(of: UInt8(ascii: "/")).map { Array(bytes[($0 + 1)...]) } ?? bytes
        return String(decoding: name.dropLast(workflowExtensionLength(name) ?? 0), as: UTF8.self)
    }
}

/// What a lint run found: findings, files that could not be read (exit 2), and the text of files with findings.
public struct LintReport: Sendable {
    public var diagnostics: [Diagnostic] = []
    public var unreadable: [FileError] = []
    public var filesChecked: Int
    /// The lines of the files with findings, split once, as libyaml counts lines.
    var lines: [String: [String]] = [:]

    public init(filesChecked: Int) { self.filesChecked = filesChecked }

    /// The text of line `line` of a linted file, for the text format's quote and caret.
    public func sourceLine(_ file: String, _ line: Int) -> String? {
        guard let lines = lines[file], line >= 1, line <= lines.count else { return nil }
        return lines[line - 1]
    }

    /// 2 when a file could not be read (a `FileError`'s category), else 1 for findings (warnings too under
    /// `strict`), else 0.
    public func exitStatus(strict: Bool) -> ExitStatus {
        unreadable.map(ExitStatus.init).max() ?? .forFindings(diagnostics, strict: strict)
    }
}
