import Foundation
import RGCore

/// The staging folder beside the target: files are written here first and moved into the target only when
/// the whole clone succeeded; on any failure the folder is removed and the target is as it was.
struct Staging {
    let target: String
    let enabled: Bool
    /// Created on the first write, in the target's nearest existing ancestor (so a rename stays on one file system).
    private(set) var root: String?
    /// The staging folder, opened and held with an exclusive flock for as long as this process may use it: the
    /// kernel drops the lock when the process dies, however it dies, which is how a later run tells a stale
    /// staging folder from a live one.
    private var lock: Int32 = -1
    /// Folder names start with this, then the pid, then a random part.
    static func namePrefix(_ target: String) -> String {
        ".\((target as NSString).lastPathComponent).rg-crm-staging-"
    }

    init(target: String, enabled: Bool) {
        self.target = target
        self.enabled = enabled
    }

    private var content: String? { root.map { $0 + "/content" } }

    /// The target's nearest existing ancestor, where its staging folders live.
    static func ancestor(of target: String) -> String {
        var ancestor = (target as NSString).deletingLastPathComponent
        if ancestor.isEmpty { ancestor = "." }
        while !FileManager.default.fileExists(atPath: ancestor) {
            let up = (ancestor as NSString).deletingLastPathComponent
            ancestor = up.isEmpty ? "." : up
        }
        return ancestor
    }

    private mutating func makeRoot() throws -> String {
        if let content { return content }
        let path =
            Self.ancestor(of: target) + "/" + Self.namePrefix(target) + "\(getpid())-\(UUID().uuidString.prefix(8))"
        guard mkdir(path, 0o700) == 0 else {
            throw TemplateClonerError.io(
                path: path, reason: "cannot create the staging folder: \(String(cString: strerror(errno)))")
        }
        root = path
        lock = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0, mkdir(path + "/content", 0o777) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw TemplateClonerError.io(path: path, reason: "cannot create the staging folder: \(reason)")
        }
        return path + "/content"
    }

    /// Removes the staging folders a clone into `target` left behind when it was killed. A folder is stale when
    /// nobody holds its lock and its process is gone. A free lock with a live pid is a clone between creating
    /// its folder and locking it (microseconds), or a recycled pid: such a folder is removed only once it is
    /// older than `graceSeconds`. Live clones' folders are never touched; failures are ignored (best effort).
    static func removeStale(besides target: String, graceSeconds: Double = 600) {
        let ancestor = ancestor(of: target)
        let prefix = namePrefix(target)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: ancestor) else { return }
        for name in names where name.hasPrefix(prefix) {
            let path = ancestor + "/" + name
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live clone holds it
            let alive = pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
            if alive {
                var info = stat()
                guard fstat(descriptor, &info) == 0,
                    Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > graceSeconds
                else { continue }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// A file being streamed into staging.
    final class Sink {
        let descriptor: Int32
        let path: String
        init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
        }
        deinit { Glibc.close(descriptor) }
        func write(_ bytes: ArraySlice<UInt8>) throws {
            try bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let wrote = Glibc.write(descriptor, raw.baseAddress! + done, raw.count - done)
                    if wrote < 0 {
                        if errno == EINTR { continue }
                        throw TemplateClonerError.io(
                            path: path, reason: "cannot be written: \(String(cString: strerror(errno)))")
                    }
                    done += wrote
                }
            }
        }
        func close() throws {}
    }

    /// Folders already made inside the staging content, so each is created once, not once per file.
    private var madeFolders: Set<String> = []

    /// Nil with `--dry-run`: nothing is written then.
    mutating func open(_ relative: String) throws -> Sink? {
        guard enabled else { return nil }
        let content = try makeRoot()
        let path = content + "/" + relative
        var folder = ""
        for part in relative.utf8.split(separator: UInt8(ascii: "/")).dropLast() {
            folder += (folder.isEmpty ? "" : "/") + String(Substring(part))
            guard !madeFolders.contains(folder) else { continue }
            guard mkdir(content + "/" + folder, 0o777) == 0 || errno == EEXIST else {
                throw TemplateClonerError.io(
                    path: content + "/" + folder,
                    reason: "cannot create a staging folder: \(String(cString: strerror(errno)))")
            }
            madeFolders.insert(folder)
        }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard descriptor >= 0 else {
            throw TemplateClonerError.io(
                path: path, reason: "cannot be created in the staging folder: \(String(cString: strerror(errno)))")
        }
        return Sink(descriptor: descriptor, path: path)
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
                throw TemplateClonerError.io(
                    path: path, reason: "cannot be created: \(String(cString: strerror(errno)))")
            }
            return true
        }
    }

    /// Visits the folders of `relative` below `target` outermost first; `visit` says whether to go deeper.
    private static func walkFolders(of relative: String, in target: String, _ visit: (String, Bool) throws -> Bool)
        throws
    {
        var path = target
        for part in relative.utf8.split(separator: UInt8(ascii: "/")).dropLast() {
            path += "/" + String(Substring(part))
            var info = stat()
            let exists = lstat(path, &info) == 0
            if exists, info.st_mode & S_IFMT != S_IFDIR {
                throw TemplateClonerError.io(
                    path: path,
                    reason: "is a symbolic link or a file, not a folder; refusing to read or write through it")
            }
            guard try visit(path, exists) else { return }
        }
    }

    mutating func discard() {
        guard let root else { return }
        try? FileManager.default.removeItem(atPath: root)
        if lock >= 0 { close(lock) }
        lock = -1
        madeFolders = []
        self.root = nil
    }
}
