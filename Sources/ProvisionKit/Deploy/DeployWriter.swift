import Foundation
import RGCore

/// Writes rendered files under a tenant's folder (`deploy/tenants/<slug>/`), each only when its bytes differ, each
/// atomically (staged, then renamed). A file changed by hand since rg-crm wrote it — its content no longer matches
/// its own seal (`RenderedFile.isPristine`) — is a `conflict`, and `apply` then writes nothing unless forced.
public enum DeployWriter {
    /// A file is small; anything bigger found in the folder is refused before it is read.
    static let maximumFileSize = 1 << 20

    /// One change per file, from reads only: `create` (missing), `update` (rg-crm's own file, now different),
    /// `unchanged` (same bytes), `conflict` (changed by hand, or not written by rg-crm).
    public static func plan(files: [RenderedFile], under directory: String) throws(DeployError) -> [Change] {
        // The tenant's folder itself must be a folder, not a link that would carry the writes elsewhere.
        var status = stat()
        if lstat(directory, &status) == 0, status.st_mode & S_IFMT != S_IFDIR {
            let kind = RegularFile.nonRegularKind(status.st_mode) ?? "a regular file"
            throw .file(FileError(path: directory, reason: "is \(kind), expected a folder"))
        }
        var changes: [Change] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.relativePath)
            changes.append(try change(for: file, at: path))
        }
        return changes
    }

    /// Writes what `plan` finds to create or update (and, with `force`, what it finds in conflict), and returns the
    /// changes made. With a conflict and no `force`, throws `DeployError.conflicts` before writing anything.
    @discardableResult
    public static func apply(files: [RenderedFile], under directory: String, force: Bool = false) throws(DeployError)
        -> [Change]
    {
        let changes = try plan(files: files, under: directory)
        let conflicts = changes.filter { $0.action == .conflict }
        if !conflicts.isEmpty && !force {
            throw .conflicts(directory: directory, files: conflicts.map { ($0.identity as NSString).lastPathComponent })
        }
        var applied: [Change] = []
        for (file, change) in zip(files, changes) {
            var done = change
            if change.action != .unchanged {
                try write(file, under: directory)
                if change.action == .conflict {
                    done = Change(.update, change.kind, change.identity, detail: "hand edit overwritten (--force)")
                }
            }
            applied.append(done)
        }
        return applied
    }

    /// Writes one file into place (staged and renamed), whatever is there: for a caller that applies one change
    /// of `plan` at a time.
    public static func write(_ file: RenderedFile, under directory: String) throws(DeployError) {
        let path = (directory as NSString).appendingPathComponent(file.relativePath)
        do {
            try AtomicFile.write(file.bytes, to: path)
        } catch {
            throw .file(error)
        }
    }

    static func change(for file: RenderedFile, at path: String) throws(DeployError) -> Change {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            guard errno == ENOENT else {
                throw .file(FileError(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))"))
            }
            return Change(.create, "file", path)
        }
        let current: [UInt8]
        do {
            // A symbolic link or anything else that is not a regular file is refused, not followed or replaced.
            current = try BoundedFile.read(path, limit: maximumFileSize, followLinks: false)
        } catch {
            throw .file(error)
        }
        if current == file.bytes { return Change(.unchanged, "file", path) }
        guard RenderedFile.isPristine(current) else {
            return Change(
                .conflict, "file", path,
                detail: "changed by hand since rg-crm rendered it; kept")
        }
        return Change(.update, "file", path)
    }
}
