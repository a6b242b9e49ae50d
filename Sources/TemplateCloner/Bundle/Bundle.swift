import Foundation
import RGCore

/// One file of a bundle, by the path it gets in the target.
public struct BundleEntry: Sendable, Equatable {
    /// Relative, `/`-separated, checked by `EntryPolicy`.
    public var path: String
    /// The size the bundle declares (a folder's file size, a ZIP header's uncompressed size).
    public var declaredSize: UInt64
    /// ZIP only: the compressed size, for the expansion ratio.
    public var compressedSize: UInt64?
    /// Where the bytes come from: a file on disk, or the index of a ZIP entry.
    var location: Location

    enum Location: Sendable, Equatable {
        case file(String)
        case zipEntry(Int)
    }
}

/// A source of template files: a folder (or several, each under a prefix) or a ZIP archive.
/// Opening one checks every entry; reading streams one entry in chunks.
public protocol TemplateBundle {
    /// The bundle as the user named it, for messages.
    var label: String { get }
    /// Every file, checked and in a stable order.
    var entries: [BundleEntry] { get }
    /// Hands the entry's bytes to `consumer` in chunks; `consumer` may throw to stop.
    func read(_ entry: BundleEntry, consumer: (ArraySlice<UInt8>) throws -> Void) throws
}

extension TemplateBundle {
    /// Where a person finds the entry: its file on disk, or `bundle.zip/entry` inside a ZIP.
    public func displayPath(_ entry: BundleEntry) -> String {
        switch entry.location {
        case .file(let path): path
        case .zipEntry: label + "/" + entry.path
        }
    }
}

/// Opens `path` as a ZIP when it is a file that starts like one, else as a folder.
public enum TemplateBundles {
    /// The repository's own library: `automation/templates` (cloned under `templates/`) and `automation/workflows`
    /// (under `workflows/`), whichever exist below `root`.
    public static func openLibrary(in root: String = ".", limits: BundleLimits = .standard) throws -> FolderBundle {
        let roots = [("automation/templates", "templates"), ("automation/workflows", "workflows")]
            .map { (root == "." ? $0.0 : root + "/" + $0.0, $0.1) }
            .filter { FileManager.default.fileExists(atPath: $0.0) }
            .map { FolderBundle.Root(path: $0.0, prefix: $0.1) }
        guard !roots.isEmpty else {
            throw TemplateClonerError.notFound(
                path: root == "." ? "automation/templates" : root + "/automation/templates",
                hint: "run from the repository root, or name a bundle with --from")
        }
        return try FolderBundle(roots: roots, label: root == "." ? "automation" : root + "/automation", limits: limits)
    }

    public static func open(_ path: String, limits: BundleLimits = .standard) throws -> any TemplateBundle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TemplateClonerError.unreadableBundle(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            return try FolderBundle(roots: [.init(path: path, prefix: "")], label: path, limits: limits)
        }
        return try ZipBundle(path: path, limits: limits)
    }
}

/// A plain folder of files (or several folders, each cloned under its own prefix).
public struct FolderBundle: TemplateBundle {
    public struct Root: Sendable, Equatable {
        public var path: String
        /// The folder its files go to in the target; "" for the target itself.
        public var prefix: String
        public init(path: String, prefix: String) {
            self.path = path
            self.prefix = prefix
        }
    }

    public let label: String
    public let entries: [BundleEntry]
    public static let chunkSize = 64 << 10

    public init(roots: [Root], label: String, limits: BundleLimits = .standard) throws {
        self.label = label
        var entries: [BundleEntry] = []
        for root in roots {
            try Self.walk(root.path, relative: root.prefix, label: label, limits: limits, into: &entries)
        }
        var total: UInt64 = 0
        for entry in entries {
            total += entry.declaredSize
            if entry.declaredSize > limits.maximumEntryBytes {
                throw TemplateClonerError.unsafeEntry(
                    bundle: label, entry: entry.path,
                    reason: limits.entryProblem(bytes: entry.declaredSize, compressed: nil) ?? "too large")
            }
            if total > limits.maximumTotalBytes {
                throw TemplateClonerError.unsafeEntry(
                    bundle: label, entry: entry.path,
                    reason:
                        "the bundle passes the \(BundleLimits.size(limits.maximumTotalBytes)) limit for a whole bundle here"
                )
            }
        }
        if let collision = EntryPolicy.collision(in: entries.map(\.path)) {
            throw TemplateClonerError.unsafeEntry(bundle: label, entry: collision.entry, reason: collision.reason)
        }
        self.entries = entries
    }

    private static func walk(
        _ directory: String, relative: String, label: String, limits: BundleLimits, into entries: inout [BundleEntry]
    ) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw TemplateClonerError.unreadableBundle(
                path: directory, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        for name in names {
            let path = directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            if let problem = EntryPolicy.problem(withName: relativePath) {
                throw TemplateClonerError.unsafeEntry(bundle: label, entry: relativePath, reason: problem)
            }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                throw TemplateClonerError.unreadableBundle(path: path, reason: String(cString: strerror(errno)))
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(path, relative: relativePath, label: label, limits: limits, into: &entries)
            case S_IFREG:
                entries.append(
                    BundleEntry(
                        path: relativePath, declaredSize: UInt64(info.st_size), compressedSize: nil,
                        location: .file(path)))
                if entries.count > limits.maximumEntries {
                    throw TemplateClonerError.unsafeEntry(
                        bundle: label, entry: relativePath,
                        reason: "the bundle has more than \(limits.maximumEntries) files")
                }
            case S_IFLNK:
                throw TemplateClonerError.unsafeEntry(
                    bundle: label, entry: relativePath,
                    reason: "it is a symbolic link (links are never followed or copied)")
            default:
                throw TemplateClonerError.unsafeEntry(
                    bundle: label, entry: relativePath,
                    reason:
                        "it is \(RegularFile.nonRegularKind(info.st_mode) ?? "not a regular file"), expected a regular file"
                )
            }
        }
    }

    public func read(_ entry: BundleEntry, consumer: (ArraySlice<UInt8>) throws -> Void) throws {
        guard case .file(let path) = entry.location else { return }
        // Checked again at the open: a file swapped for a FIFO or a link since the walk is refused, not followed.
        let file: RegularFile
        do { file = try RegularFile(path, followLinks: false) } catch {
            throw TemplateClonerError.unreadableBundle(path: path, reason: error.reason)
        }
        do {
            try file.chunks(of: Self.chunkSize, consumer)
        } catch let error as FileError {
            throw TemplateClonerError.unreadableBundle(path: path, reason: error.reason)
        }
    }
}
