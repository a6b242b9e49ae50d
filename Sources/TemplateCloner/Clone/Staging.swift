import Foundation
import RGCore

/// The staging folder beside the target: files are written here first and moved into the target only when
/// the whole clone succeeded; on any failure the folder is removed and the target is as it was.
struct Staging {
    let target: String
    let enabled: Bool
    /// Created on the first write, in the target's nearest existing ancestor (so a rename stays on one file system).
    private(set) var root: String?

    init(target: String, enabled: Bool) {
        self.target = target
        self.enabled = enabled
    }

    private var content: String? { root.map { $0 + "/content" } }

    private mutating func makeRoot() throws -> String {
        if let content { return content }
        var ancestor = (target as NSString).deletingLastPathComponent
        if ancestor.isEmpty { ancestor = "." }
        while !FileManager.default.fileExists(atPath: ancestor) {
            let up = (ancestor as NSString).deletingLastPathComponent
            ancestor = up.isEmpty ? "." : up
        }
        let name =
            ".\((target as NSString).lastPathComponent).rg-crm-staging-\(getpid())-\(UUID().uuidString.prefix(8))"
        let path = ancestor + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: path + "/content", withIntermediateDirectories: true)
        } catch {
            throw TemplateClonerError.io(
                path: path, reason: "cannot create the staging folder: \(error.localizedDescription)")
        }
        root = path
        return path + "/content"
    }

    /// A file being streamed into staging.
    final class Sink {
        let handle: FileHandle
        let path: String
        init(handle: FileHandle, path: String) {
            self.handle = handle
            self.path = path
        }
        func write(_ bytes: ArraySlice<UInt8>) throws {
            guard !bytes.isEmpty else { return }
            do { try handle.write(contentsOf: Data(bytes)) } catch {
                throw TemplateClonerError.io(path: path, reason: "cannot be written: \(error.localizedDescription)")
            }
        }
        func close() throws { try? handle.close() }
    }

    /// Nil with `--dry-run`: nothing is written then.
    mutating func open(_ relative: String) throws -> Sink? {
        guard enabled else { return nil }
        let path = try makeRoot() + "/" + relative
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw TemplateClonerError.io(
                path: path, reason: "cannot create a staging folder: \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw TemplateClonerError.io(path: path, reason: "cannot be created in the staging folder")
        }
        return Sink(handle: handle, path: path)
    }

    mutating func write(_ relative: String, _ bytes: [UInt8]) throws {
        guard let sink = try open(relative) else { return }
        defer { try? sink.close() }
        try sink.write(bytes[...])
    }

    /// Moves the changed files into the target, then the manifest. A new target is one rename of the whole folder.
    mutating func commit(changed: [String], manifest: String?, targetExisted: Bool) throws {
        guard enabled, !changed.isEmpty || manifest != nil else { return }
        let content = try makeRoot()
        if !targetExisted {
            if let manifest { try AtomicFile.write(Array(manifest.utf8), to: content + "/" + CloneManifest.fileName) }
            let parent = (target as NSString).deletingLastPathComponent
            do {
                if !parent.isEmpty {
                    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                }
            } catch {
                throw TemplateClonerError.io(
                    path: parent, reason: "cannot create the target's folder: \(error.localizedDescription)")
            }
            guard rename(content, target) == 0 else {
                throw TemplateClonerError.io(
                    path: target, reason: "cannot move the clone into place: \(String(cString: strerror(errno)))")
            }
            return
        }
        for relative in changed {
            let destination = target + "/" + relative
            try Self.prepareFolders(for: relative, in: target)
            guard rename(content + "/" + relative, destination) == 0 else {
                throw TemplateClonerError.io(
                    path: destination, reason: "cannot move into place: \(String(cString: strerror(errno)))")
            }
        }
        if let manifest {
            do { try AtomicFile.write(Array(manifest.utf8), to: target + "/" + CloneManifest.fileName) } catch {
                throw TemplateClonerError.io(path: error.path, reason: error.reason)
            }
        }
    }

    /// Refuses a path inside the target whose existing folders include a symbolic link or a file: nothing may be
    /// read or written through a link planted in the target. Checked for every file before anything is judged
    /// or moved, so such a target fails the clone as a whole.
    static func refuseLinkedFolders(for relative: String, in target: String) throws {
        try walkFolders(of: relative, in: target) { _, exists in exists }
    }

    /// Creates the folders of `relative` inside the target, refusing any that is a symbolic link or a file, so
    /// that no file is ever moved outside the target through a link planted there.
    static func prepareFolders(for relative: String, in target: String) throws {
        try walkFolders(of: relative, in: target) { path, exists in
            if exists { return true }
            guard mkdir(path, 0o755) == 0 else {
                throw TemplateClonerError.io(path: path, reason: "cannot be created: \(String(cString: strerror(errno)))")
            }
            return true
        }
    }

    /// Visits the folders of `relative` below `target` outermost first; `visit` says whether to go deeper.
    private static func walkFolders(of relative: String, in target: String, _ visit: (String, Bool) throws -> Bool) throws {
        var path = target
        for part in relative.split(separator: "/").dropLast() {
            path += "/" + part
            var info = stat()
            let exists = lstat(path, &info) == 0
            if exists, info.st_mode & S_IFMT != S_IFDIR {
                throw TemplateClonerError.io(
                    path: path, reason: "is a symbolic link or a file, not a folder; refusing to read or write through it")
            }
            guard try visit(path, exists) else { return }
        }
    }

    mutating func discard() {
        guard let root else { return }
        try? FileManager.default.removeItem(atPath: root)
        self.root = nil
    }
}
