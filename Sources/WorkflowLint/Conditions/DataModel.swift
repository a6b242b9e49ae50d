/// The value types a condition works with.
public enum ValueType: String, Sendable, Hashable, CustomStringConvertible {
    case number, string, bool, null, list
    /// A field whose type is not known (after an unknown-field finding): checks against it are skipped.
    case unknown

    public var description: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .bool: "a boolean"
        case .null: "null"
        case .list: "a list"
        case .unknown: "a value"
        }
    }
}

/// The fields a condition may read, by trigger, typed from the CRM data model (seed §2).
public enum DataModel {
    /// Record fields by namespace.
    static let records: [String: [String: ValueType]] = [
        "lead": [
            "id": .string, "source": .string, "campaign": .string, "status": .string, "score": .number,
            "created_at": .string,
        ],
        "contact": [
            "id": .string, "first_name": .string, "last_name": .string, "email": .string, "phone": .string,
            "gdpr_opt_in": .bool, "language": .string,
        ],
        "deal": [
            "id": .string, "stage": .string, "pipeline": .string, "value": .number, "currency": .string,
            "expected_close": .string, "probability": .number,
        ],
        "payment": [
            "id": .string, "amount": .number, "currency": .string, "method": .string, "status": .string,
            "is_deposit": .bool,
        ],
        "event": [
            "id": .string, "type": .string, "date": .string, "venue": .string, "city": .string,
            "guest_count": .number,
        ],
    ]

    /// What each trigger hands a condition: record namespaces, and plain fields.
    static let scopes: [String: (records: [String], fields: [String: ValueType])] = [
        "lead.created": (["lead", "contact"], [:]),
        "deal.stage.changed": (["deal", "contact"], ["from_stage": .string, "to_stage": .string]),
        "payment.received": (["payment", "deal"], [:]),
        "event.completed": (["event", "deal", "contact"], [:]),
    ]

    /// Every field path a trigger offers, with its type.
    public static func fields(for trigger: String) -> [String: ValueType]? { fieldsByTrigger[trigger] }

    /// Built once: every condition of every file looks its fields up here.
    private static let fieldsByTrigger: [String: [String: ValueType]] = scopes.mapValues { scope in
        var fields = scope.fields
        for record in scope.records {
            for (name, type) in records[record] ?? [:] { fields["\(record).\(name)"] = type }
        }
        return fields
    }

    /// A short list of what a trigger offers, for messages: `lead.*, contact.*`.
    static func summary(for trigger: String) -> String {
        guard let scope = scopes[trigger] else { return "" }
        return (scope.records.map { "\($0).*" } + scope.fields.keys.sorted()).joined(separator: ", ")
    }
}
