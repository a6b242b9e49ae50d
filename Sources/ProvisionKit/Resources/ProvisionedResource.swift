import RGCore

/// One unit of work of a resource, applied as a whole: the changes it shows in a plan, and what `apply` needs to
/// redo it. A step with only unchanged changes is not applied.
public struct ResourceStep: Sendable, Equatable {
    /// Names the step within its resource, e.g. `schema`, `seed`, `login app`.
    public var id: String
    public var changes: [Change]
    /// A read-only step that runs on every apply (smoke): it changes nothing, so its changes stay `unchanged`, and
    /// a failure of it fails the apply.
    public var alwaysRuns: Bool

    public init(_ id: String, _ changes: [Change], alwaysRuns: Bool = false) {
        self.id = id
        self.changes = changes
        self.alwaysRuns = alwaysRuns
    }

    public var needsApply: Bool { changes.contains { $0.action != .unchanged } }
}

/// What a resource found, from reads only.
public struct Observation: Sendable, Equatable {
    public var steps: [ResourceStep]
    /// A digest of everything observed that the steps were computed from (never a secret's value): a saved plan
    /// whose fingerprint differs from the world's is stale.
    public var fingerprint: String
    /// Why the resource does not run here (its kit is not in this build, or not configured), or nil.
    public var skipped: String?

    public init(steps: [ResourceStep], fingerprint: String, skipped: String? = nil) {
        self.steps = steps
        self.fingerprint = fingerprint
        self.skipped = skipped
    }

    public static func skipped(_ reason: String) -> Observation {
        Observation(steps: [], fingerprint: Digest.sha256Hex("skipped: \(reason)"), skipped: reason)
    }

    public var changes: [Change] { steps.flatMap(\.changes) }
    public var needsApply: Bool { steps.contains(where: \.needsApply) }
}

/// A provisioned resource of a tenant: observe the current state and compute the changes to the desired one, then
/// apply one step at a time. Each step is idempotent by itself (it acts on what it finds, not on what the plan
/// said), so a run killed at any point is finished by running again.
///
/// A resource that is a set of files under one folder fits as `FileSetResource`.
public protocol ProvisionedResource: Sendable {
    /// The resource's name in plans, progress and the closing table: `database`, `secrets`, `deploy`, ….
    var name: String { get }
    func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation
    /// Applies one step of this resource's last observation; returns what was done.
    func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change]
}
