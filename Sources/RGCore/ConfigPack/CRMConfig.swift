/// `configs/tenants/<slug>/crm.json`: the tenant's pipelines, scoring and automation (seed §11.2).
/// Everything here adds to or overrides the defaults of the tenant's verticals.
public struct CRMConfig: Sendable, Equatable {
    public var pipelines: [PipelineConfig]
    public var scoring: [ScoringRule]
    /// Trigger (`lead.created`, …) → the workflows it starts.
    public var automation: [String: [String]]
    /// Named outgoing webhooks (Teams channels, …) that workflows may use by name.
    public var webhooks: [String: WebhookConfig]

    public init(
        pipelines: [PipelineConfig] = [], scoring: [ScoringRule] = [], automation: [String: [String]] = [:],
        webhooks: [String: WebhookConfig] = [:]
    ) {
        self.pipelines = pipelines
        self.scoring = scoring
        self.automation = automation
        self.webhooks = webhooks
    }

    /// The triggers a workflow may listen to (seed §6.2).
    public static let triggers = ["lead.created", "deal.stage.changed", "payment.received", "event.completed"]
}

public struct PipelineConfig: Sendable, Equatable {
    /// Stable identity (snake_case): renaming `name` updates the pipeline in place.
    public var key: String
    public var name: String
    public var vertical: Vertical?
    public var type: String
    public var slaResponseHours: Double
    public var isDefault: Bool
    /// In order: a stage's sequence is its position here.
    public var stages: [StageConfig]

    public init(
        key: String, name: String, vertical: Vertical?, type: String, slaResponseHours: Double, isDefault: Bool,
        stages: [StageConfig]
    ) {
        self.key = key
        self.name = name
        self.vertical = vertical
        self.type = type
        self.slaResponseHours = slaResponseHours
        self.isDefault = isDefault
        self.stages = stages
    }
}

public struct StageConfig: Sendable, Equatable {
    public var key: String
    public var name: String
    public var slaHours: Double
    /// When a deal moves on by itself, as JSON (stored as JSONB).
    public var autoProgressRule: JSONValue?
    /// The workflow that runs when a deal enters this stage.
    public var automation: String?

    public init(
        key: String, name: String, slaHours: Double, autoProgressRule: JSONValue? = nil, automation: String? = nil
    ) {
        self.key = key
        self.name = name
        self.slaHours = slaHours
        self.autoProgressRule = autoProgressRule
        self.automation = automation
    }
}

public struct ScoringRule: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable { case eq, ne, gt, gte, lt, lte, `in` }

    public var field: String
    public var op: Operator
    public var value: JSONValue
    public var points: Int

    public init(field: String, op: Operator, value: JSONValue, points: Int) {
        self.field = field
        self.op = op
        self.value = value
        self.points = points
    }
}

public struct WebhookConfig: Sendable, Equatable {
    public enum Channel: String, Sendable, CaseIterable { case teams, slack, generic }

    public var channel: Channel
    /// Where the URL lives (a Vault path): webhook URLs are secrets and never stored in the config pack.
    public var secretRef: String

    public init(channel: Channel, secretRef: String) {
        self.channel = channel
        self.secretRef = secretRef
    }
}

/// snake_case identifiers: pipeline and stage keys, workflow ids, webhook names.
public enum Identifier {
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...63).contains(bytes.count), let first = bytes.first, (0x61...0x7A).contains(first) else {
            return false
        }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}

/// `vault:<path>#<field>`: where a secret lives in Vault (a KV path and the field in it), e.g.
/// `vault:secret/data/rentguy/tenants/mrdj/teams#sales`. A reference, never the secret, and never a URL: a value
/// like `vault:https://hooks…` would put the webhook itself into the config pack.
public enum VaultReference {
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("vault:") else { return false }
        let reference = text.dropFirst("vault:".count)
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, isName(parts[1]) else { return false }
        let segments = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        return segments.count >= 2 && segments.allSatisfy { isName($0) && $0 != "." && $0 != ".." }
    }

    /// Letters, digits, `_`, `-` and `.`: what Vault's own paths and field names use; no `:` (so no scheme).
    private static func isName(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
            }
    }
}
