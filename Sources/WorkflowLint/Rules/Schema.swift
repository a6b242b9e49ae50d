/// The canonical workflow format (docs/workflows.md): keys, action types and their parameters.
public enum WorkflowSchema {
    public static let requiredKeys = [
        "workflow", "version", "trigger", "entry_stage", "sla_hours", "fallback_owner", "actions",
    ]
    public static let optionalKeys = ["name", "description", "blocks", "retry", "metadata"]
    public static let topLevelKeys = requiredKeys + optionalKeys

    public static let roles = ["ROLE_SALES", "ROLE_MARKETING", "ROLE_OPERATIONS", "ROLE_DIRECTOR"]

    public static let commonActionKeys = ["id", "type", "when", "after_hours", "description"]

    public struct ActionType: Sendable {
        public let required: [String]
        public let optional: [String]
        /// The template channel of a `template` parameter.
        public let channel: String?
        /// The keys an action of this type may have: the common ones and its parameters.
        let allowedKeys: [String]

        init(required: [String], optional: [String], channel: String?) {
            self.required = required
            self.optional = optional
            self.channel = channel
            allowedKeys = WorkflowSchema.commonActionKeys + required + optional
        }
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

    /// The action type named `name`: seven names, searched in order (cheaper than hashing the name).
    static func actionType(_ name: String) -> ActionType? {
        actionTypeList.first { FieldValues.same($0.name, name) }?.type
    }

    private static let actionTypeList = actionTypes.map { (name: $0.key, type: $0.value) }

    public static let emailProviders = ["SendGrid"]
    public static let retryKeys = ["max_attempts", "initial_interval", "backoff_factor"]

    // MARK: Legacy drafts

    public static let legacyKeys = ["id", "name", "description", "triggers", "entrypoint", "retry", "metadata"]
    public static let legacyRequiredKeys = ["id", "triggers", "entrypoint"]
    /// Trigger families of the legacy drafts: `deal.stage.*` is a label for a stage, mapped by the pipeline.
    public static let legacyTriggerFamilies = ["lead.created", "deal.stage.*", "payment.received", "event.completed"]

    /// `local@domain.tld`: one `@` with text before it, a dot inside the domain, no spaces or commas.
    static func isEmail(_ text: String) -> Bool {
        var at: Int?
        var lastDot: Int?
        var count = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "@"):
                guard at == nil else { return false }
                at = count
            case UInt8(ascii: "."):
                if at != nil { lastDot = count }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ","):
                return false
            default: break
            }
            count += 1
        }
        guard let at, at > 0, let lastDot else { return false }
        // A dot inside the domain: neither its first nor its last character.
        let domain = text.utf8.dropFirst(at + 1)
        return domain.first != UInt8(ascii: ".") && lastDot < count - 1
    }

    /// `crm.automations.lead_intake`: at least two snake_case parts joined by dots.
    static func isDottedPath(_ text: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool {
            (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || byte == 0x5F
        }
        var parts = 1
        var atPartStart = true
        for byte in text.utf8 {
            if atPartStart {
                guard isLetter(byte) else { return false }
                atPartStart = false
            } else if byte == UInt8(ascii: ".") {
                parts += 1
                atPartStart = true
            } else if !isLetter(byte) && !(0x30...0x39).contains(byte) {
                return false
            }
        }
        return parts >= 2 && !atPartStart
    }
}
