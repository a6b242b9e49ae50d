import RGCore

extension Checker {
    mutating func checkCanonical(_ root: Node, _ entries: [Node.Entry]) {
        let values = fields(
            root, entries, allowed: WorkflowSchema.topLevelKeys, required: WorkflowSchema.requiredKeys,
            what: "the workflow")
        if let id = identifier(values["workflow"], "workflow"), let node = values["workflow"], id != fileStem {
            sink.report(
                .workflowIDMismatch, node,
                "workflow '\(id)' is in a file named '\(fileStem)'; the id and the file name must be equal")
        }
        _ = integer(values["version"], "version", in: 1...1_000_000)
        _ = string(values["description"], "description")
        _ = string(values["name"], "name")
        let trigger = self.trigger(values["trigger"])
        conditionFields = trigger.flatMap(DataModel.fields(for:))
        if let node = values["entry_stage"], let stage = string(node, "entry_stage") {
            checkStage(stage, node)
        }
        _ = number(values["sla_hours"], "sla_hours", minimum: 0, inclusive: false)
        owner(values["fallback_owner"], "fallback_owner")
        retry(values["retry"])
        if let blocks = values["blocks"], blocks.entries == nil {
            sink.report(
                .type, blocks, "blocks must be a mapping of building blocks (name: &anchor …), found \(blocks.typeName)"
            )
        }
        if let metadata = values["metadata"], metadata.entries == nil {
            sink.report(.type, metadata, "metadata must be a mapping, found \(metadata.typeName)")
        }
        if let actions = values["actions"] { checkActions(actions, trigger: trigger) }
    }

    /// The trigger if it is one of the four; nil (after a finding) otherwise.
    mutating func trigger(_ node: Node?) -> String? {
        guard let node, let text = string(node, "trigger") else { return nil }
        guard !CRMConfig.triggers.contains(text) else { return text }
        var hint = Suggestion.closest(to: text, in: CRMConfig.triggers).map { " (did you mean '\($0)'?)" } ?? ""
        if text.hasPrefix("deal.stage.") {
            hint = " (did you mean 'deal.stage.changed'? name the stage in entry_stage)"
        }
        sink.report(
            .unknownTrigger, node,
            "unknown trigger '\(text)'\(hint); known: \(CRMConfig.triggers.joined(separator: ", "))")
        return nil
    }

    mutating func checkStage(_ stage: String, _ node: Node) {
        guard let tenant, !tenant.hasStage(stage) else { return }
        sink.report(.unknownStage, node, tenant.unknownStageMessage(stage))
    }

    mutating func checkActions(_ node: Node, trigger: String?) {
        guard node.items != nil else {
            if case .invalid = node.content { return }
            sink.report(.type, node, "actions must be a list of actions, found \(node.typeName)")
            return
        }
        // A building block may be a list of actions: an alias to it in `actions` adds all of them.
        let actions = node.flattenedActions
        if actions.isEmpty {
            sink.report(.type, node, "actions must list at least one action")
        }
        var ids: [String: Node] = [:]
        ids.reserveCapacity(actions.count)
        for action in actions {
            checkAction(action, trigger: trigger, ids: &ids)
        }
    }

    mutating func checkAction(_ action: Node, trigger: String?, ids: inout [String: Node]) {
        guard let entries = action.entries else {
            if case .invalid = action.content { return }
            sink.report(.type, action, "an action is a mapping (id:, type:, …), found \(action.typeName)")
            return
        }
        let typeNode = entries.first { $0.key.scalar == "type" }?.value
        var typeName: String?
        var spec: WorkflowSchema.ActionType?
        if let typeNode, let text = string(typeNode, "action type") {
            spec = WorkflowSchema.actionType(text)
            if spec != nil {
                typeName = text
            } else {
                let known = WorkflowSchema.actionTypes.keys.sorted()
                let hint = Suggestion.closest(to: text, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                sink.report(
                    .unknownActionType, typeNode,
                    "unknown action type '\(text)'\(hint); known: \(known.joined(separator: ", "))")
            }
        }
        // With an unknown type, only the common keys are checked: its parameters cannot be known.
        let allowed = spec?.allowedKeys ?? WorkflowSchema.commonActionKeys
        let what = typeName.map { "a \($0) action" } ?? "an action"
        var values = FieldValues()
        values.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = entry.key.scalar else { continue }
            if FieldValues.contains(allowed, key) {
                if values[key] == nil { values[key] = entry.value }
            } else if spec != nil || typeNode == nil {
                let hint = Suggestion.closest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                sink.report(.unknownKey, entry.key, "unknown key '\(key)' in \(what)\(hint)")
            }
        }
        for key in ["id", "type"] where values[key] == nil {
            sink.report(.missingKey, action, "\(what) has no '\(key)'")
        }
        if let idNode = values["id"], let id = identifier(idNode, "action id") {
            if let first = ids[id] {
                let place = first.via?.position ?? first.position
                sink.report(
                    .duplicateActionID, idNode,
                    "action id '\(id)' is already used at \(place.line):\(place.column); ids must be unique in a workflow"
                )
            } else {
                ids[id] = idNode
            }
        }
        if let when = values["when"] { checkCondition(when, trigger: trigger) }
        _ = number(values["after_hours"], "after_hours", minimum: 0, inclusive: true)
        _ = string(values["description"], "description")
        guard let typeName, let spec else { return }
        for key in spec.required where values[key] == nil {
            sink.report(.missingParam, action, "\(what) needs '\(key)'")
        }
        switch typeName {
        case "email", "whatsapp":
            template(values["template"], channel: spec.channel ?? typeName)
            if let to = values["to"] { _ = string(to, "to") }
            if let provider = values["provider"], let text = string(provider, "provider"),
                !WorkflowSchema.emailProviders.contains(text)
            {
                sink.report(
                    .type, provider,
                    "provider '\(text)' is not supported; e-mail goes through \(WorkflowSchema.emailProviders.joined(separator: ", "))"
                )
            }
        case "teams":
            if values["message"] == nil && values["template"] == nil {
                sink.report(.missingParam, action, "a teams action needs 'message' or 'template'")
            }
            _ = string(values["message"], "message")
            template(values["template"], channel: "teams")
            if let node = values["webhook"], let name = identifier(node, "webhook"), let tenant,
                !tenant.webhooks.contains(name)
            {
                let hint = Suggestion.closest(to: name, in: tenant.webhooks).map { " (did you mean '\($0)'?)" } ?? ""
                let known = tenant.webhooks.isEmpty ? "none" : tenant.webhooks.joined(separator: ", ")
                sink.report(
                    .unknownWebhook, node,
                    "tenant '\(tenant.slug)' defines no webhook '\(name)'\(hint); defined: \(known)")
            }
        case "task":
            _ = string(values["title"], "title")
            owner(values["assignee"], "assignee")
            _ = number(values["due_in_hours"], "due_in_hours", minimum: 0, inclusive: false)
        case "wait":
            _ = number(values["hours"], "hours", minimum: 0, inclusive: false)
        case "advance_stage":
            if let node = values["to"], let stage = string(node, "to") { checkStage(stage, node) }
        case "engine":
            dottedPath(values["entrypoint"], "entrypoint")
        default:
            break
        }
    }

    mutating func checkCondition(_ node: Node, trigger: String?) {
        guard let text = string(node, "when (a condition)") else { return }
        for problem in ConditionChecker.check(
            text, fields: conditionFields, trigger: trigger, stages: tenant?.stageKeys)
        {
            let rule: RuleID =
                switch problem.kind {
                case .syntax: .conditionSyntax
                case .unknownField: .unknownField
                case .type: .conditionType
                case .unknownStage: .unknownStage
                }
            let place = sink.isFull ? nil : position(in: node, character: problem.offset)
            sink.report(rule, node, problem.message, at: place)
        }
    }
}
