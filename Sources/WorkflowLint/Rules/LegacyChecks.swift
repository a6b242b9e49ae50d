import RGCore

extension Checker {
    /// The drafts' older shape: reported as `legacy-format`, and checked for what applies to it.
    mutating func checkLegacy(_ root: Node, _ entries: [Node.Entry]) {
        let anchor = entries.first { $0.key.scalar == "id" }?.key ?? root
        sink.report(
            .legacyFormat, anchor,
            "legacy workflow format (id, triggers, entrypoint, retry, metadata); convert it with 'rg-crm workflows upgrade \(fileStem).yaml --tenant SLUG'"
        )
        let values = fields(
            root, entries, allowed: WorkflowSchema.legacyKeys, required: WorkflowSchema.legacyRequiredKeys,
            what: "the legacy workflow")
        let id = identifier(values["id"], "id")
        if let id, let node = values["id"], id != fileStem {
            sink.report(
                .workflowIDMismatch, node,
                "workflow '\(id)' is in a file named '\(fileStem)'; the id and the file name must be equal")
        }
        _ = string(values["name"], "name")
        _ = string(values["description"], "description")
        if let triggers = values["triggers"] {
            if let items = triggers.items, !items.isEmpty {
                for item in items { legacyTrigger(item) }
            } else {
                sink.report(.type, triggers, "triggers must be a non-empty list, found \(triggers.typeName)")
            }
        }
        dottedPath(values["entrypoint"], "entrypoint")
        retry(values["retry"])
        if let metadata = values["metadata"] {
            if let metadataEntries = metadata.entries {
                for entry in metadataEntries where entry.key.scalar == "sla_minutes" {
                    _ = number(entry.value, "metadata.sla_minutes", minimum: 0, inclusive: false)
                }
                templateReferences(in: metadata, depth: 0)
            } else {
                sink.report(.type, metadata, "metadata must be a mapping, found \(metadata.typeName)")
            }
        }
        if let id, let tenant, let node = values["id"], tenant.stageRunning(id) == nil {
            let mapped = tenant.stages.compactMap { stage in stage.automation.map { "\(stage.key) → \($0)" } }
            sink.report(
                .unknownStage, node,
                "no stage of tenant '\(tenant.slug)' runs workflow '\(id)' (stage automations: \(mapped.isEmpty ? "none" : mapped.joined(separator: ", ")))"
            )
        }
    }

    mutating func legacyTrigger(_ node: Node) {
        guard let text = string(node, "trigger") else { return }
        if ["lead.created", "payment.received", "event.completed"].contains(text) { return }
        if text.hasPrefix("deal.stage."), Identifier.isValid(String(text.dropFirst("deal.stage.".count))) { return }
        let hint =
            Suggestion.closest(
                to: text, in: ["lead.created", "payment.received", "event.completed", "deal.stage.changed"]
            )
            .map { " (did you mean '\($0)'?)" } ?? ""
        sink.report(
            .unknownTrigger, node,
            "unknown trigger '\(text)'\(hint); known families: \(WorkflowSchema.legacyTriggerFamilies.joined(separator: ", "))"
        )
    }

    /// Keys named `<channel>_template` (or `template`) anywhere in metadata name a template of the library.
    mutating func templateReferences(in node: Node, depth: Int) {
        guard depth < 16 else { return }
        if let entries = node.entries {
            for entry in entries {
                if let key = entry.key.scalar, key == "template" || key.hasSuffix("_template") {
                    let channel = String(key.dropLast("_template".count))
                    if TemplateLibrary.channels.contains(channel) {
                        template(entry.value, channel: channel)
                    } else if let id = string(entry.value, key), let tenant,
                        !TemplateLibrary.channels.contains(where: { tenant.templates.contains(id, channel: $0) })
                    {
                        sink.report(
                            .unknownTemplate, entry.value, "no template '\(id)' in \(tenant.templates.directory)")
                    }
                } else {
                    templateReferences(in: entry.value, depth: depth + 1)
                }
            }
        } else if let items = node.items {
            for item in items { templateReferences(in: item, depth: depth + 1) }
        }
    }
}
