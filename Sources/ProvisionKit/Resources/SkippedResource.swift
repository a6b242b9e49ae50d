import RGCore

/// A resource whose kit is not in this build (or not configured here): it runs nothing and says why, in the plan
/// and in the closing table, never as a pass.
public struct SkippedResource: ProvisionedResource {
    public let name: String
    public let reason: String

    public init(_ name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation { .skipped(reason) }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] { [] }
}
