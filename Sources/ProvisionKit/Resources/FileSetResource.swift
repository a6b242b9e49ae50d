import Foundation
import RGCore

/// A resource that is a set of files under one folder, rendered from the tenant by a pure function: each file is
/// created or updated when its bytes differ and left alone (mtime too) when they are identical; each write is
/// atomic (`AtomicFile`). Files under the folder that the renderer does not produce are left alone.
///
/// `deploy` is not one of these: its files carry a seal, and a hand edit is a conflict (`DeployResource`).
public struct FileSetResource: ProvisionedResource {
    public typealias Renderer = @Sendable (ProvisionContext) throws(ProvisionError) -> [(path: String, bytes: [UInt8])]

    public let name: String
    /// The folder, from the tenant: e.g. `{ "deploy/tenants/\($0.slug)" }`.
    public let folder: @Sendable (ProvisionContext) -> String
    /// The files, by path relative to the folder.
    public let render: Renderer

    public init(
        _ name: String, folder: @escaping @Sendable (ProvisionContext) -> String, render: @escaping Renderer
    ) {
        self.name = name
        self.folder = folder
        self.render = render
    }

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let root = folder(context)
        var changes: [Change] = []
        var facts: [String] = []
        for file in try checkedFiles(context).sorted(by: { $0.path < $1.path }) {
            let path = "\(root)/\(file.path)"
            let existing = try? BoundedFile.read(path, limit: 64 << 20, followLinks: false)
            facts.append("\(file.path) \(existing.map { Digest.sha256Hex($0) } ?? "absent")")
            switch existing {
            case nil: changes.append(Change(.create, "file", path))
            case let bytes? where bytes != file.bytes: changes.append(Change(.update, "file", path))
            default: changes.append(Change(.unchanged, "file", path))
            }
        }
        return Observation(
            steps: [ResourceStep("files", changes)], fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        let root = folder(context)
        var done: [Change] = []
        for file in try checkedFiles(context).sorted(by: { $0.path < $1.path }) {
            let path = "\(root)/\(file.path)"
            let existing = try? BoundedFile.read(path, limit: 64 << 20, followLinks: false)
            if existing == file.bytes {
                done.append(Change(.unchanged, "file", path))
                continue
            }
            do { try AtomicFile.write(file.bytes, to: path) } catch { throw .underlying(error) }
            done.append(Change(existing == nil ? .create : .update, "file", path))
        }
        return done
    }

    /// The rendered files, refusing a path that would leave the folder.
    private func checkedFiles(_ context: ProvisionContext) throws(ProvisionError) -> [(path: String, bytes: [UInt8])] {
        let files = try render(context)
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.hasPrefix("/") || parts.contains("..") || parts.contains("") || parts.contains(".") {
                throw .underlying(InternalError(description: "\(name): rendered path '\(file.path)' leaves its folder"))
            }
        }
        return files
    }
}
