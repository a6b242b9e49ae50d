import Foundation
import RGCore

/// `deploy`: the tenant's Kubernetes artefacts for GitOps (`DeployRenderer`) under `<deployRoot>/<slug>/`. Each file
/// is written only when its bytes differ (mtime kept otherwise), staged and renamed (`DeployWriter`). A file changed
/// by hand since rg-crm rendered it (its content no longer matches its own seal) is a `conflict`: kept, and the
/// onboarding stops naming it, as for hand-edited templates.
public struct DeployResource: ProvisionedResource {
    public var name: String { "deploy" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let files = try render(context)
        let changes = try plan(files, context)
        // What the changes were computed from: the rendered bytes and what each file holds now.
        let facts = zip(files, changes).map { file, change in
            "\(file.relativePath) \(Digest.sha256Hex(file.bytes)) \(change.action.rawValue)"
        }
        return Observation(
            steps: [ResourceStep("files", changes)], fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        // Acts on what it finds now, not on what the plan said.
        let files = try render(context)
        let changes = try plan(files, context)
        let conflicts = changes.filter { $0.action == .conflict }
        if let first = conflicts.first { throw .deployConflicts(count: conflicts.count, first: first.identity) }
        let directory = context.settings.deployFolder(context.slug)
        for (file, change) in zip(files, changes) where change.action != .unchanged {
            do { try DeployWriter.write(file, under: directory) } catch { throw .underlying(error) }
        }
        return changes
    }

    private func render(_ context: ProvisionContext) throws(ProvisionError) -> [RenderedFile] {
        do {
            return try DeployRenderer.render(
                pack: context.pack, template: try DeployTemplate.load(context.settings.deployTemplate))
        } catch { throw .underlying(error) }
    }

    private func plan(_ files: [RenderedFile], _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        do { return try DeployWriter.plan(files: files, under: context.settings.deployFolder(context.slug)) } catch {
            throw .underlying(error)
        }
    }
}
