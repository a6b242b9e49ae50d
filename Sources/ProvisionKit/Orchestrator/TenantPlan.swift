import Foundation
import RGCore

/// A tenant's plan: every resource's changes, and fingerprints of what was observed, so that a saved plan applied
/// later is refused when the world (or the config pack) moved in between. Never holds a secret's value: secrets
/// show as `(sensitive)` and fingerprints are digests of versions, rows and file contents.
public struct TenantPlan: Sendable, Equatable {
    public struct Resource: Sendable, Equatable {
        public var name: String
        public var fingerprint: String
        public var skipped: String?
        public var changes: [Change]
    }

    public static let formatVersion = "1"
    public static let kind = "rg-crm tenant plan"

    public var tenant: String
    /// Digest of the config pack's files.
    public var configDigest: String
    public var resources: [Resource]

    /// Every resource's changes in order; a skipped resource is one unchanged line that says why.
    public var plan: Plan {
        Plan(
            resources.flatMap { resource in
                resource.skipped.map { [Change(.unchanged, resource.name, tenant, detail: "skipped: \($0)")] }
                    ?? resource.changes
            })
    }

    public var json: String {
        JSONValue.object([
            ("format_version", .string(Self.formatVersion)), ("kind", .string(Self.kind)), ("tenant", .string(tenant)),
            ("config_digest", .string(configDigest)),
            (
                "resources",
                .array(
                    resources.map {
                        .object([
                            ("name", .string($0.name)), ("fingerprint", .string($0.fingerprint)),
                            ("skipped", $0.skipped.map(JSONValue.string) ?? .null),
                        ])
                    })
            ),
            ("plan", PlanRenderer.jsonValue(plan)),
        ]).serialized(indent: 2) + "\n"
    }

    /// Reads a plan file `json` wrote. Only what staleness is judged by is read back (tenant, config, fingerprints).
    public static func load(_ path: String) throws(ProvisionError) -> TenantPlan {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: 16 << 20) } catch { throw .underlying(error) }
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            root["kind"] as? String == kind, let tenant = root["tenant"] as? String,
            let config = root["config_digest"] as? String, let resources = root["resources"] as? [[String: Any]]
        else { throw .badPlanFile(path: path, reason: "not a plan written by rg-crm tenant plan --out") }
        guard root["format_version"] as? String == formatVersion else {
            throw .badPlanFile(
                path: path,
                reason: "plan format \(root["format_version"] ?? "?") is not this rg-crm's (\(formatVersion))")
        }
        return TenantPlan(
            tenant: tenant, configDigest: config,
            resources: resources.map {
                Resource(
                    name: $0["name"] as? String ?? "", fingerprint: $0["fingerprint"] as? String ?? "",
                    skipped: $0["skipped"] as? String, changes: [])
            })
    }

    /// Why `current` no longer matches this saved plan, or nil when it does.
    public func staleness(against current: TenantPlan) -> String? {
        if tenant != current.tenant { return "it is tenant \(tenant)'s plan, not \(current.tenant)'s" }
        if configDigest != current.configDigest { return "the config pack of tenant \(tenant) changed" }
        let saved = Dictionary(resources.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { first, _ in first })
        for resource in current.resources {
            guard let fingerprint = saved[resource.name] else { return "resource \(resource.name) was not in the plan" }
            if fingerprint != resource.fingerprint { return "\(resource.name) changed since the plan was made" }
        }
        return nil
    }
}
