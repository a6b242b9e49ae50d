/// The canonical workflow format (docs/workflows.md): keys, action types and their parameters.
public enum WorkflowSchema {
    public static let requiredKeys = [
        "workflow", "version", "trigger", "entry_stage", "sla_hours", "fallback_owner", "actions",
    ]
    public static let optionalKeys = ["name", "description", "blocks", "retry", "metadata"]
    public static var topLevelKeys: [String] { requiredKeys + optionalKeys }

    public static let roles = ["ROLE_SALES", "ROLE_MARKETING", "ROLE_OPERATIONS", "ROLE_DIRECTOR"]

    public static let commonActionKeys = ["id", "type", "when", "after_hours", "description"]

    public struct ActionType: Sendable {
        public var required: [String]
        public var optional: [String]
        /// The template channel of a `template` parameter.
        public var channel: String?
    }

    public static let actionTypes: [String: ActionType] = [
        "email": ActionType(required: ["template"], optional: ["to", "provider"], channel: "email"),
        "whatsapp": ActionType(required: ["template"], optional: ["to"], channel: "whatsapp"),
        "teams": ActionType(required: ["webhook"], optional: ["message", "template"], channel: "teams"),
        "task": ActionType(required: ["title"], optional: ["assignee", "due_in_hours"], channel: nil),
        "wait": ActionType(required: ["hours"], optional: [], channel: nil),
        "advance_stage": ActionType(required: ["to"], optional: [], channel: nil),
        "engine": ActionType(required: ["entrypoint"], optional: [], channel: nil),
    ]

    public static let emailProviders = ["SendGrid"]
    public static let retryKeys = ["max_attempts", "initial_interval", "backoff_factor"]

    // MARK: Legacy drafts

    public static let legacyKeys = ["id", "name", "description", "triggers", "entrypoint", "retry", "metadata"]
    public static let legacyRequiredKeys = ["id", "triggers", "entrypoint"]
    /// Trigger families of the legacy drafts: `deal.stage.*` is a label for a stage, mapped by the pipeline.
    public static let legacyTriggerFamilies = ["lead.created", "deal.stage.*", "payment.received", "event.completed"]

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "," })
    }

    /// `crm.automations.lead_intake`: at least two snake_case parts joined by dots.
    static func isDottedPath(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        func isLetter(_ byte: UInt8) -> Bool {
            (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || byte == 0x5F
        }
        return parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.utf8.first, isLetter(first) else { return false }
                return part.utf8.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) }
            }
    }
}
