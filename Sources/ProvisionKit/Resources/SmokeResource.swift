import RGCore
import SmokeKit

/// `smoke`: the tenant's smoke suite (`rg-crm smoke`), last. It reads only, so it changes nothing: in a plan it is
/// `= unchanged` ("runs after apply"), and on every apply it runs again; a check that fails (or cannot decide) fails
/// the onboarding, naming the check ids. Skipped checks are fine.
public struct SmokeResource: ProvisionedResource {
    public var name: String { "smoke" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let change = Change(
            .unchanged, "smoke", context.slug.rawValue,
            detail: "\(SmokeSuite.ids.count) read-only checks, run on every apply")
        return Observation(
            steps: [ResourceStep("checks", [change], alwaysRuns: true)],
            fingerprint: Digest.sha256Hex("smoke \(SmokeSuite.ids.joined(separator: ","))"))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        let smoke = TenantSmoke.context(context.settings, slug: context.slug)
        let results = BlockingRun.run { await SmokeSuite.run(smoke) }
        let failing = results.filter { $0.status == .fail || $0.status == .error }.map(\.id)
        if !failing.isEmpty { throw .smokeFailed(ids: failing) }
        let summary = CheckSummary(results)
        return [
            Change(
                .unchanged, "smoke", context.slug.rawValue,
                detail: "\(summary.passed) passed, \(summary.skipped) skipped")
        ]
    }
}
