import Foundation
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// The generic "files under a folder" resource (what `deploy` plugs in as): create, update, leave identical bytes
/// alone, never write outside its folder.
@Suite struct FileSetResourceTests {
    func context(_ folder: String) throws -> ProvisionContext {
        var settings = ProvisionSettings()
        settings.configDirectory = TestPaths.repository("configs/tenants")
        settings.stateDirectory = folder + "/state"
        return try ProvisionContext(settings: settings, slug: try Slug("mrdj"))
    }

    @Test func identicalBytesAreLeftAloneAndChangedOnesReplaced() throws {
        let folder = try TestPaths.temporaryDirectory("fileset")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let context = try context(folder)
        let files = LockedFiles([("namespace.yaml", "kind: Namespace\n"), ("values.yaml", "host: mr-dj.rentguy.nl\n")])
        let resource = FileSetResource(
            "deploy", folder: { "\(folder)/deploy/tenants/\($0.slug)" },
            render: { _ in files.all.map { (path: $0.0, bytes: Array($0.1.utf8)) } })
        let first = try resource.observe(context)
        #expect(first.changes.map(\.action) == [.create, .create])
        _ = try resource.apply(first.steps[0], context)
        let path = "\(folder)/deploy/tenants/mrdj/values.yaml"
        let written = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let second = try resource.observe(context)
        #expect(!second.needsApply)
        #expect(try resource.apply(second.steps[0], context).allSatisfy { $0.action == .unchanged })
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == written)
        #expect(second.fingerprint != first.fingerprint)

        files.set([("namespace.yaml", "kind: Namespace\n"), ("values.yaml", "host: other.rentguy.nl\n")])
        let third = try resource.observe(context)
        #expect(third.changes.map(\.action) == [.unchanged, .update])
        _ = try resource.apply(third.steps[0], context)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "host: other.rentguy.nl\n")
    }

    @Test(arguments: ["../escape.yaml", "/etc/passwd", "a//b", "./x", "a/../../b"])
    func aPathLeavingTheFolderIsRefused(_ path: String) throws {
        let folder = try TestPaths.temporaryDirectory("fileset")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let resource = FileSetResource(
            "deploy", folder: { "\(folder)/deploy/\($0.slug)" }, render: { _ in [(path: path, bytes: [0x61])] })
        #expect(throws: ProvisionError.self) { _ = try resource.observe(try context(folder)) }
    }
}

/// The files a test renderer returns, changeable between runs.
final class LockedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [(String, String)]
    init(_ files: [(String, String)]) { self.files = files }
    var all: [(String, String)] { lock.withLock { files } }
    func set(_ files: [(String, String)]) { lock.withLock { self.files = files } }
}
