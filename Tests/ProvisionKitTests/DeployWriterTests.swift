import Foundation
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// Writing deploy/tenants/<slug>/: only what differs, atomically, never over a hand edit unless forced.
@Suite struct DeployWriterTests {
    func render(_ pack: ConfigPack) throws -> [RenderedFile] {
        try DeployRenderer.render(pack: pack, template: try DeployFixtures.template())
    }

    func modificationDates(_ directory: String) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        for name in DeployRenderer.fileNames {
            dates[name] =
                try FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)")[.modificationDate] as? Date
        }
        return dates
    }

    @Test func aSecondRenderOfAnUnchangedTenantWritesNothing() throws {
        let directory = try DeployFixtures.temporaryDirectory("deploy") + "/mrdj"
        let files = try render(try DeployFixtures.mrdj())
        #expect(try DeployWriter.plan(files: files, under: directory).map(\.action) == [.create, .create, .create])
        let created = try DeployWriter.apply(files: files, under: directory)
        #expect(created.map(\.action) == [.create, .create, .create])
        #expect(created.map(\.identity) == DeployRenderer.fileNames.map { "\(directory)/\($0)" })
        for file in files {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file.relativePath)")) == Data(file.bytes))
        }
        let before = try modificationDates(directory)
        Thread.sleep(forTimeInterval: 0.02)
        let again = try DeployWriter.apply(files: try render(try DeployFixtures.mrdj()), under: directory)
        #expect(again.map(\.action) == [.unchanged, .unchanged, .unchanged])
        #expect(try modificationDates(directory) == before)
        // No staging file is left beside them.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == DeployRenderer.fileNames.sorted()
        )
    }

    @Test func aChangedPackUpdatesOnlyTheFilesItChanges() throws {
        let directory = try DeployFixtures.temporaryDirectory("deploy") + "/mrdj"
        var pack = try DeployFixtures.mrdj()
        try DeployWriter.apply(files: try render(pack), under: directory)
        pack.tenant.branding.primaryColor = "#0F766E"
        let changes = try DeployWriter.apply(files: try render(pack), under: directory)
        #expect(changes.map(\.action) == [.unchanged, .update, .unchanged])
        let values = try YAMLTree.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/values.yaml"))))
        #expect(values["frontend"]?["branding"]?["primaryColor"]?.text == "#0F766E")
    }

    /// A hand edit is found by the file's own seal: a conflict in the plan, a refusal (exit 1) with nothing
    /// written — not even the other files' updates — and an overwrite only with force.
    @Test func aHandEditedFileIsAConflictAndIsOverwrittenOnlyWithForce() throws {
        let directory = try DeployFixtures.temporaryDirectory("deploy") + "/mrdj"
        var pack = try DeployFixtures.mrdj()
        try DeployWriter.apply(files: try render(pack), under: directory)
        let valuesPath = "\(directory)/values.yaml"
        let edited = try String(contentsOfFile: valuesPath, encoding: .utf8).replacingOccurrences(
            of: "replicas: 2", with: "replicas: 5")
        try edited.write(toFile: valuesPath, atomically: true, encoding: .utf8)

        pack.tenant.name = "Mr. DJ Events"
        let files = try render(pack)
        let plan = try DeployWriter.plan(files: files, under: directory)
        #expect(plan.map(\.action) == [.update, .conflict, .unchanged])
        #expect(plan[1].detail?.contains("changed by hand") == true)
        let namespaceBefore = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/namespace.yaml"))
        do {
            try DeployWriter.apply(files: files, under: directory)
            Issue.record("a hand edit was overwritten")
        } catch {
            #expect(error == .conflicts(directory: directory, files: ["values.yaml"]))
            #expect(error.category == .failed)
            #expect(error.description.contains("--force"))
        }
        #expect(try String(contentsOfFile: valuesPath, encoding: .utf8) == edited)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/namespace.yaml")) == namespaceBefore)

        let forced = try DeployWriter.apply(files: files, under: directory, force: true)
        #expect(forced.map(\.action) == [.update, .update, .unchanged])
        #expect(forced[1].detail == "hand edit overwritten (--force)")
        #expect(try DeployWriter.plan(files: files, under: directory).allSatisfy { $0.action == .unchanged })
    }

    /// Even an edit of the header's own comment lines, or a file rg-crm never wrote, is a conflict.
    @Test func anyByteChangedOrAMissingSealIsAConflict() throws {
        let directory = try DeployFixtures.temporaryDirectory("deploy") + "/mrdj"
        let files = try render(try DeployFixtures.mrdj())
        try DeployWriter.apply(files: files, under: directory)
        var changed = files[0].bytes
        changed[2] ^= 0x20
        #expect(!RenderedFile.isPristine(changed))
        #expect(!RenderedFile.isPristine(Array(files[0].body.utf8)))
        #expect(!RenderedFile.isPristine(files[0].bytes + Array("\n".utf8)))
        #expect(RenderedFile.isPristine(files[0].bytes))
        try Data(files[0].body.utf8).write(to: URL(fileURLWithPath: "\(directory)/namespace.yaml"))
        #expect(
            try DeployWriter.plan(files: files, under: directory).map(\.action) == [.conflict, .unchanged, .unchanged])
    }

    /// A symbolic link where a rendered file goes is refused, neither followed nor replaced.
    @Test func aSymbolicLinkInTheFolderIsRefused() throws {
        let directory = try DeployFixtures.temporaryDirectory("deploy") + "/mrdj"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = try DeployFixtures.temporaryDirectory("elsewhere") + "/x"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/values.yaml", withDestinationPath: target)
        #expect(throws: DeployError.self) {
            try DeployWriter.apply(files: try render(try DeployFixtures.mrdj()), under: directory, force: true)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
    }
}

/// deploy/tenants/mrdj/ is checked in for GitOps: it must be what the shipped pack and template render today.
@Suite struct DeployCheckedInTests {
    @Test func theCheckedInArtefactsOfMrDJAreCurrent() throws {
        let files = try DeployRenderer.render(pack: try DeployFixtures.mrdj(), template: try DeployFixtures.template())
        let changes = try DeployWriter.plan(files: files, under: TestPaths.repository("deploy/tenants/mrdj"))
        #expect(
            changes.allSatisfy { $0.action == .unchanged },
            "re-render with `rg-crm tenant apply --tenant mrdj` and commit deploy/tenants/mrdj: \(changes.map { "\($0.action) \($0.identity)" })"
        )
    }
}

/// The tenant's folder itself may not be a link (the writes would land wherever it points) or a file.
@Suite struct DeployFolderTests {
    @Test func aLinkOrAFileWhereTheTenantsFolderGoesIsRefused() throws {
        let root = try DeployFixtures.temporaryDirectory("deploy")
        let elsewhere = try DeployFixtures.temporaryDirectory("elsewhere")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/mrdj", withDestinationPath: elsewhere)
        try Data().write(to: URL(fileURLWithPath: "\(root)/file"))
        let files = try DeployRenderer.render(pack: try DeployFixtures.mrdj(), template: try DeployFixtures.template())
        for directory in ["\(root)/mrdj", "\(root)/file"] {
            #expect(throws: DeployError.self) { try DeployWriter.apply(files: files, under: directory) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }
}
