import Foundation
import RGCore
import TemplateCloner

/// `templates`: the branded template library cloned into the tenant's automation folder (today's
/// `templates clone`). A file edited by hand since the last clone is a conflict: kept, and the onboarding stops.
public struct TemplatesResource: ProvisionedResource {
    public var name: String { "templates" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let report = try clone(context, dryRun: true)
        var changes = report.plan.changes
        if report.manifestChanged && !report.plan.hasChanges {
            changes.append(Change(.update, "manifest", report.target, detail: "clone manifest"))
        }
        let facts = [report.sourceDigest, report.valuesDigest] + changes.map { "\($0.action.rawValue) \($0.identity)" }
        return Observation(
            steps: [ResourceStep("clone", changes)], fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        let report = try clone(context, dryRun: false)
        let conflicts = report.files.filter { $0.status == .conflict }
        if let first = conflicts.first { throw .templateConflicts(count: conflicts.count, first: first.path) }
        return report.plan.changes
    }

    private func clone(_ context: ProvisionContext, dryRun: Bool) throws(ProvisionError) -> CloneReport {
        do {
            let bundle = try TemplateBundles.openLibrary(in: context.settings.libraryRoot)
            let options = CloneOptions(target: context.settings.automationFolder(context.slug), dryRun: dryRun)
            return try TemplateCloner.clone(
                bundle, values: try TokenValues(tenant: context.pack.tenant), tenant: context.slug.rawValue,
                options: options)
        } catch { throw ProvisionError.wrap(error) }
    }
}
