import Foundation
import RGCore

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets as files under `.rg-crm/secrets/<slug>/` (git-ignored): the folder 0700, each file 0600.
///
/// A secret is written to a private staging file, synced, then hard-linked to its name: `link(2)` fails when the
/// name exists, so an existing secret is never overwritten and a reader never sees half a value (AtomicFile's
/// rename would replace it).
public struct LocalSecretStore: SecretStore {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public var location: String { folder }
    public func identity(_ name: String) -> String { "\(folder)/\(name)" }

    public func read(_ name: String) throws(ProvisionError) -> StoredSecret? {
        let path = identity(name)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let bytes = try BoundedFile.read(path, limit: 64 << 10, followLinks: false)
            return StoredSecret(value: String(decoding: bytes, as: UTF8.self), version: 1)
        } catch { throw .underlying(error) }
    }

    public func create(_ name: String, value: String) throws(ProvisionError) -> (stored: String, created: Bool) {
        try makeFolder()
        let path = identity(name)
        let staging = "\(folder)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot write \(staging)", errno) }
        defer { unlink(staging) }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else { throw failure("cannot write \(staging)", errno) }
        if link(staging, path) != 0 {
            let code = errno
            guard code == EEXIST, let existing = try read(name) else { throw failure("cannot store \(path)", code) }
            return (existing.value, false)
        }
        syncFolder()
        return (value, true)
    }

    public func remove(_ names: [String]) throws(ProvisionError) -> [String] {
        var removed: [String] = []
        for name in names where FileManager.default.fileExists(atPath: identity(name)) {
            guard unlink(identity(name)) == 0 else { throw failure("cannot remove \(identity(name))", errno) }
            removed.append(identity(name))
        }
        // The folder goes when it is empty (staging files of a killed run are ours too).
        if let left = try? FileManager.default.contentsOfDirectory(atPath: folder) {
            for file in left where file.hasPrefix(".") && file.hasSuffix(".tmp") { unlink("\(folder)/\(file)") }
            rmdir(folder)
        }
        return removed
    }

    /// Creates the folder and any missing parent as 0700; an existing folder of the tenant is narrowed to 0700.
    private func makeFolder() throws(ProvisionError) {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .secrets("cannot create the secret folder \(folder): \(error.localizedDescription)") }
        guard chmod(folder, 0o700) == 0 else { throw failure("cannot restrict \(folder) to its owner", errno) }
    }

    private func syncFolder() {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    private func failure(_ what: String, _ code: Int32) -> ProvisionError {
        .secrets("\(what): \(String(cString: strerror(code)))")
    }
}
