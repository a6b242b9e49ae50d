import Foundation
import RGCore

/// What happened to one resource in an apply.
public struct ResourceOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case changed, unchanged
        case skipped(String)
        case failed, notRun
    }

    public var name: String
    public var result: Result
    public var changes: [Change]
    public var milliseconds: Int

    /// The table's word: `changed (2 created, 1 updated)`, `unchanged`, `skipped: …`, `failed`, `not run`.
    public var summary: String {
        switch result {
        case .changed:
            let counts = [Change.Action.create, .update, .delete].compactMap { action -> String? in
                let count = changes.filter { $0.action == action }.count
                return count == 0 ? nil : "\(count) \(action.pastTense)"
            }
            return counts.isEmpty ? "changed" : counts.joined(separator: ", ")
        case .unchanged: return "unchanged"
        case .skipped(let reason): return "skipped: \(reason)"
        case .failed: return "failed"
        case .notRun: return "not run"
        }
    }
}

/// The end of an apply: every resource's outcome, and the error that stopped it, if one did.
public struct ProvisionReport: Sendable {
    public var tenant: String
    public var outcomes: [ResourceOutcome]
    public var failure: ProvisionError?
    public var milliseconds: Int
    /// Steps finished (what the test-only abort switch counts).
    public var steps: Int = 0

    public var plan: Plan { Plan(outcomes.flatMap(\.changes), applied: true) }
    public var changedAnything: Bool { outcomes.contains { $0.result == .changed } }
}

/// Progress for a terminal: a resource starts, a resource ends (step k of n).
public enum ProvisionProgress: Sendable {
    case started(resource: String, index: Int, total: Int)
    case finished(ResourceOutcome, index: Int, total: Int)
}

/// Runs a tenant's resources in order: plan (observe only), apply (observe, then each step that has changes),
/// recording progress in `.rg-crm/state/<slug>.json`.
public final class Provisioner {
    public let settings: ProvisionSettings
    public let slug: Slug
    public let resources: [any ProvisionedResource]
    private let secrets: (any SecretStore)?

    public init(
        settings: ProvisionSettings, slug: Slug, resources: [any ProvisionedResource]? = nil,
        secrets: (any SecretStore)? = nil
    ) {
        self.settings = settings
        self.slug = slug
        self.resources = resources ?? Self.standardResources
        self.secrets = secrets
    }

    /// A tenant's resources, in the order they are applied.
    public static var standardResources: [any ProvisionedResource] {
        [
            DatabaseResource(),
            SecretsResource(),
            RedisResource(),
            DeployResource(),
            TemplatesResource(),
            WorkflowsResource(),
            DashboardsResource(),
            SmokeResource(),
        ]
    }

    /// Every resource's changes, from reads only. Takes no lock and writes nothing.
    public func plan() throws(ProvisionError) -> TenantPlan {
        let context = try ProvisionContext(settings: settings, slug: slug, secrets: secrets)
        return try observeAll(context)
    }

    /// Applies every resource's changes. With `expecting`, first checks that nothing the saved plan observed has
    /// changed (under the tenant's lock, before anything is written), and refuses a stale plan.
    public func apply(expecting saved: TenantPlan? = nil, progress: (ProvisionProgress) -> Void = { _ in })
        throws(ProvisionError) -> ProvisionReport
    {
        let started = Date()
        let lock = try TenantLock(slug: slug, settings: settings)
        defer { withExtendedLifetime(lock) {} }
        let context = try ProvisionContext(settings: settings, slug: slug, secrets: secrets)
        let current = try observeAll(context)
        if let saved, let why = saved.staleness(against: current) { throw .stalePlan(why) }
        var outcomes: [ResourceOutcome] = []
        var appliedSomething = false
        var failure: ProvisionError?
        for (index, resource) in resources.enumerated() {
            if failure != nil {
                outcomes.append(ResourceOutcome(name: resource.name, result: .notRun, changes: [], milliseconds: 0))
                continue
            }
            progress(.started(resource: resource.name, index: index + 1, total: resources.count))
            let resourceStart = Date()
            var changes: [Change] = []
            var result = ResourceOutcome.Result.unchanged
            do throws(ProvisionError) {
                // An earlier resource's changes may change what this one finds (the database step stores the
                // passwords the secrets step lists): observe again, as a resumed run would.
                let steps: [ResourceStep]
                let skipped: String?
                if appliedSomething {
                    let observation = try resource.observe(context)
                    (steps, skipped) = (observation.steps, observation.skipped)
                } else {
                    (steps, skipped) = (observedSteps[index], current.resources[index].skipped)
                }
                if let reason = skipped {
                    result = .skipped(reason)
                } else {
                    for step in steps {
                        guard step.needsApply || step.alwaysRuns else {
                            changes += step.changes
                            continue
                        }
                        let done = try resource.apply(step, context)
                        changes += done
                        // A read-only step (smoke) changes nothing a later resource would observe.
                        if step.needsApply { appliedSomething = true }
                        if done.contains(where: { $0.action != .unchanged }) { result = .changed }
                        try context.stepDone()
                    }
                }
            } catch {
                failure = error
                result = .failed
            }
            let outcome = ResourceOutcome(
                name: resource.name, result: result, changes: changes,
                milliseconds: Int(Date().timeIntervalSince(resourceStart) * 1000) + observedMilliseconds[index])
            outcomes.append(outcome)
            progress(.finished(outcome, index: index + 1, total: resources.count))
        }
        let report = ProvisionReport(
            tenant: slug.rawValue, outcomes: outcomes, failure: failure,
            milliseconds: Int(Date().timeIntervalSince(started) * 1000), steps: context.stepsDone)
        try ProgressRecord.write(report, to: settings.progressFile(slug))
        return report
    }

    /// The steps of the last `observeAll`, by resource index (apply reuses them until something is applied).
    private var observedSteps: [[ResourceStep]] = []
    /// How long each resource's observation took, counted in its time.
    private var observedMilliseconds: [Int] = []

    private func observeAll(_ context: ProvisionContext) throws(ProvisionError) -> TenantPlan {
        var planned: [TenantPlan.Resource] = []
        observedSteps = []
        observedMilliseconds = []
        for resource in resources {
            let start = Date()
            let observation = try resource.observe(context)
            observedSteps.append(observation.steps)
            observedMilliseconds.append(Int(Date().timeIntervalSince(start) * 1000))
            planned.append(
                TenantPlan.Resource(
                    name: resource.name, fingerprint: observation.fingerprint, skipped: observation.skipped,
                    changes: observation.changes))
        }
        return TenantPlan(tenant: slug.rawValue, configDigest: try configDigest(context), resources: planned)
    }

    private func configDigest(_ context: ProvisionContext) throws(ProvisionError) -> String {
        var parts: [String] = []
        for file in ["tenant.json", "crm.json"] {
            let path = (context.pack.directory as NSString).appendingPathComponent(file)
            do { parts.append(Digest.sha256Hex(try BoundedFile.read(path, limit: 1 << 20))) } catch {
                throw .underlying(error)
            }
        }
        return Digest.sha256Hex(parts.joined(separator: "\n"))
    }
}
