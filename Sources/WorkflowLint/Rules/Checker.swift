import RGCore

/// One file's semantic checks over its node tree. The canonical format and the legacy drafts share the value checks.
struct Checker {
    var sink: FindingSink
    let tenant: TenantContext?
    let fileStem: String
    /// The file's bytes, for the rare position that needs its text (a condition in a literal block).
    let source: [UInt8]
    /// The file's line index, built the first time a position inside a string needs it.
    var locator: SourceLocator?
    /// The fields conditions may read under the file's trigger (nil: no valid trigger, fields are not checked):
    /// looked up once per file, read by every condition.
    var conditionFields: [String: ValueType]?

    init(sink: FindingSink, tenant: TenantContext?, fileStem: String, source: [UInt8]) {
        self.sink = sink
        self.tenant = tenant
        self.fileStem = fileStem
        self.source = source
    }

    mutating func check(_ root: Node?) {
        guard let root else {
            // No document and no syntax error: the file is empty (or only comments).
            if sink.diagnostics.isEmpty {
                sink.report(
                    .missingKey, at: SourcePosition(line: 1, column: 1),
                    "the file is empty: a workflow needs \(WorkflowSchema.requiredKeys.joined(separator: ", "))")
            }
            return
        }
        guard let entries = root.entries else {
            if case .invalid = root.content { return }
            if root.scalar == nil || root.scalarType != .null {
                sink.report(
                    .type, root,
                    "a workflow file holds a mapping (workflow:, trigger:, actions:, …), found \(root.typeName)")
            } else {
                sink.report(
                    .missingKey, root,
                    "the file is empty: a workflow needs \(WorkflowSchema.requiredKeys.joined(separator: ", "))")
            }
            return
        }
        var canonical = false
        var legacy = false
        for entry in entries {
            switch entry.key.scalar {
            case "workflow": canonical = true
            case "id", "triggers", "entrypoint": legacy = true
            default: break
            }
        }
        if legacy && !canonical {
            checkLegacy(root, entries)
        } else {
            checkCanonical(root, entries)
        }
    }

    // MARK: Shared checks

    /// Reports keys outside `allowed` (with "did you mean") and missing `required` keys; returns the values by key.
    mutating func fields(_ node: Node, _ entries: [Node.Entry], allowed: [String], required: [String], what: String)
        -> FieldValues
    {
        var values = FieldValues()
        values.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = entry.key.scalar else {
                sink.report(.type, entry.key, "keys of \(what) are plain names, found \(entry.key.typeName)")
                continue
            }
            if FieldValues.contains(allowed, key) {
                if values[key] == nil { values[key] = entry.value }
            } else {
                let hint = Suggestion.closest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                sink.report(.unknownKey, entry.key, "unknown key '\(key)' in \(what)\(hint)")
            }
        }
        for key in required where values[key] == nil {
            sink.report(.missingKey, node, "\(what) has no '\(key)'")
        }
        return values
    }

    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        if case .invalid = node.content { return nil }
        guard let text = node.scalar, node.scalarType == .string else {
            sink.report(.type, node, "\(what) must be a string, found \(node.typeName)")
            return nil
        }
        return text
    }

    mutating func number(_ node: Node?, _ what: String, minimum: Double, inclusive: Bool, maximum: Double = .infinity)
        -> Double?
    {
        guard let node else { return nil }
        if case .invalid = node.content { return nil }
        guard let value = node.number, value.isFinite else {
            sink.report(
                .type, node,
                "\(what) must be a number, found \(node.typeName)\(node.scalarType == .string && node.style != .plain ? " (remove the quotes)" : "")"
            )
            return nil
        }
        let aboveMinimum = inclusive ? value >= minimum : value > minimum
        guard aboveMinimum, value <= maximum else {
            let lower = inclusive ? "at least \(minimum.formatted)" : "greater than \(minimum.formatted)"
            let upper = maximum.isFinite ? " and at most \(maximum.formatted)" : ""
            sink.report(.type, node, "\(what) must be \(lower)\(upper), found \(value.formatted)")
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node?, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        if case .invalid = node.content { return nil }
        guard let value = node.integer else {
            if node.scalarType == .integer {
                sink.report(
                    .type, node,
                    "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(node.scalar ?? "")")
            } else {
                sink.report(.type, node, "\(what) must be an integer, found \(node.typeName)")
            }
            return nil
        }
        guard range.contains(value) else {
            sink.report(
                .type, node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    mutating func identifier(_ node: Node?, _ what: String) -> String? {
        guard let node, let text = string(node, what) else { return nil }
        guard Identifier.isValid(text) else {
            sink.report(.type, node, "\(what) '\(text)' must be snake_case (a-z, 0-9, _; starting with a letter)")
            return nil
        }
        return text
    }

    /// A role (`ROLE_SALES`, …) or an e-mail address.
    mutating func owner(_ node: Node?, _ what: String) {
        guard let node, let text = string(node, what) else { return }
        if WorkflowSchema.roles.contains(text) || WorkflowSchema.isEmail(text) { return }
        let hint = Suggestion.closest(to: text, in: WorkflowSchema.roles).map { " (did you mean '\($0)'?)" } ?? ""
        sink.report(
            .type, node,
            "\(what) '\(text)' is neither a role (\(WorkflowSchema.roles.joined(separator: ", "))) nor an e-mail address\(hint)"
        )
    }

    mutating func dottedPath(_ node: Node?, _ what: String) {
        guard let node, let text = string(node, what) else { return }
        if !WorkflowSchema.isDottedPath(text) {
            sink.report(
                .type, node, "\(what) '\(text)' must be the dotted path of a function, like crm.automations.lead_intake"
            )
        }
    }

    mutating func retry(_ node: Node?) {
        guard let node else { return }
        guard let entries = node.entries else {
            sink.report(
                .type, node,
                "retry must be a mapping (max_attempts, initial_interval, backoff_factor), found \(node.typeName)")
            return
        }
        let values = fields(node, entries, allowed: WorkflowSchema.retryKeys, required: [], what: "retry")
        _ = integer(values["max_attempts"], "retry.max_attempts", in: 1...20)
        _ = number(
            values["initial_interval"], "retry.initial_interval (seconds)", minimum: 0, inclusive: false, maximum: 3600)
        _ = number(values["backoff_factor"], "retry.backoff_factor", minimum: 1, inclusive: true, maximum: 10)
    }

    mutating func template(_ node: Node?, channel: String) {
        guard let node, let id = string(node, "template") else { return }
        guard let tenant else { return }
        guard !tenant.templates.contains(id, channel: channel) else { return }
        let candidates = Array(tenant.templates.ids[channel] ?? [])
        let hint = Suggestion.closest(to: id, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
        sink.report(
            .unknownTemplate, node, "no \(channel) template '\(id)' in \(tenant.templates.directory)/\(channel)\(hint)")
    }

    // MARK: Positions inside strings

    mutating func position(in node: Node, character offset: Int) -> SourcePosition {
        if locator == nil { locator = SourceLocator(source) }
        return node.position(ofCharacter: offset, source: locator)
    }
}

/// A mapping's values by key. Mappings here have a dozen keys at most: a list searched in order beats hashing.
struct FieldValues {
    private var keys: [String] = []
    private var nodes: [Node] = []

    /// Reading finds the key's value; writing keeps the first value of a key (duplicates are reported elsewhere).
    subscript(key: String) -> Node? {
        get { Self.index(of: key, in: keys).map { nodes[$0] } }
        set {
            guard let newValue, Self.index(of: key, in: keys) == nil else { return }
            keys.append(key)
            nodes.append(newValue)
        }
    }

    private static func index(of key: String, in keys: [String]) -> Int? {
        for index in keys.indices where same(keys[index], key) { return index }
        return nil
    }

    /// String equality with the UTF-8 length compared first: most keys differ in length, and that test is inline.
    /// Only for the ASCII names of the schema (keys, action types): for them it is the same as `==`, while a
    /// non-ASCII string that `==` finds canonically equal to an ASCII one (U+212A KELVIN SIGN for "K") does not match,
    /// which is what YAML, comparing code points, says too.
    @inline(__always) static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs == rhs
    }

    /// Whether `keys` holds `key`.
    static func contains(_ keys: [String], _ key: String) -> Bool { keys.contains { same($0, key) } }

    mutating func reserveCapacity(_ count: Int) {
        keys.reserveCapacity(count)
        nodes.reserveCapacity(count)
    }
}
