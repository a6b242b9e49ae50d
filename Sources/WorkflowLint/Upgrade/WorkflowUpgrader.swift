import Foundation
import RGCore

/// Rewrites a legacy draft (`id`, `triggers`, `entrypoint`, `retry`, `metadata`) into the canonical format,
/// keeping every value: what has no canonical place stays under `metadata`.
public enum WorkflowUpgrader {
    public struct MissingValue: Sendable, Hashable, CustomStringConvertible {
        public var key: String
        public var reason: String
        public var description: String { "\(key): \(reason)" }
    }

    public struct Upgrade: Sendable {
        /// The canonical file's text.
        public var text: String
        /// Values a person must still fill in (marked `FILL IN` in the text).
        public var missing: [MissingValue]
    }

    public enum Failure: RGError, Sendable {
        case notLegacy(path: String)
        case invalid(path: String, [Diagnostic])

        /// A file that is not a legacy draft, or not YAML enough to upgrade, is bad input.
        public var category: ExitCategory { .usage }

        public var description: String {
            switch self {
            case .notLegacy(let path):
                "\(path) is not in the legacy format (it has no id/triggers/entrypoint, or already has workflow:); nothing to upgrade"
            case .invalid(let path, let findings):
                "\(path) cannot be upgraded until its YAML is fixed: "
                    + findings.map { "\($0.line):\($0.column): \($0.message)" }.joined(separator: "; ")
            }
        }
    }

    public static func upgrade(_ bytes: [UInt8], path: String, tenant: TenantContext?) throws(Failure) -> Upgrade {
        var sink = FindingSink(file: path)
        let root = DocumentBuilder.build(bytes, sink: &sink)
        let errors = sink.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let root else { throw .invalid(path: path, errors) }
        guard let entries = root.entries, !entries.contains(where: { $0.key.scalar == "workflow" }),
            entries.contains(where: { ["id", "triggers", "entrypoint"].contains($0.key.scalar ?? "") })
        else { throw .notLegacy(path: path) }
        var values: [String: Node] = [:]
        for entry in entries { if let key = entry.key.scalar, values[key] == nil { values[key] = entry.value } }

        var missing: [MissingValue] = []
        var output: [(String, YAMLWriter.Value)] = []
        func fillIn(_ key: String, _ reason: String) -> YAMLWriter.Value {
            missing.append(MissingValue(key: key, reason: reason))
            return .fillIn(reason)
        }

        let id = values["id"]?.scalar
        output.append(
            ("workflow", id.map { .scalar($0, plain: true) } ?? fillIn("workflow", "the legacy file has no id")))
        output.append(("version", .scalar("1", plain: true)))
        if let name = values["name"] { output.append(("name", YAMLWriter.Value(name))) }
        if let description = values["description"] { output.append(("description", YAMLWriter.Value(description))) }

        let legacyTriggers = values["triggers"]?.items?.compactMap(\.scalar) ?? []
        let triggers = uniqued(legacyTriggers.map { $0.hasPrefix("deal.stage.") ? "deal.stage.changed" : $0 })
        if triggers.count == 1, CRMConfig.triggers.contains(triggers[0]) {
            output.append(("trigger", .scalar(triggers[0], plain: true)))
        } else if triggers.isEmpty {
            output.append(
                (
                    "trigger",
                    fillIn(
                        "trigger",
                        "the legacy file lists no triggers; one of \(CRMConfig.triggers.joined(separator: ", "))")
                ))
        } else {
            output.append(
                (
                    "trigger",
                    fillIn(
                        "trigger",
                        "the legacy triggers \(legacyTriggers.joined(separator: ", ")) do not map to one of \(CRMConfig.triggers.joined(separator: ", "))"
                    )
                ))
        }

        if let tenant, let id, let stage = tenant.stageRunning(id) {
            output.append(("entry_stage", .scalar(stage.key, plain: true)))
        } else if let tenant {
            output.append(
                (
                    "entry_stage",
                    fillIn(
                        "entry_stage",
                        "no stage of tenant '\(tenant.slug)' runs workflow '\(id ?? "?")'; name the stage key, or set automation: \(id ?? "?") on a stage in crm.json"
                    )
                ))
        } else {
            output.append(
                (
                    "entry_stage",
                    fillIn(
                        "entry_stage",
                        "a stage key of the tenant's pipeline (run with --tenant SLUG to take it from the stage that runs this workflow)"
                    )
                ))
        }

        let metadata = values["metadata"]?.entries ?? []
        let metadataValue: (String) -> Node? = { key in metadata.first { $0.key.scalar == key }?.value }
        if let minutes = metadataValue("sla_minutes")?.number, minutes > 0 {
            output.append(("sla_hours", .scalar((minutes / 60).formattedDecimal, plain: true)))
        } else {
            output.append(
                (
                    "sla_hours",
                    fillIn(
                        "sla_hours",
                        "the legacy file has no metadata.sla_minutes > 0; the hours within which the workflow must act")
                ))
        }
        if let contact = metadataValue("escalation_contact")?.scalar, !contact.isEmpty {
            output.append(("fallback_owner", .scalar(contact, plain: true)))
        } else {
            output.append(
                (
                    "fallback_owner",
                    fillIn(
                        "fallback_owner",
                        "the legacy file has no metadata.escalation_contact; a role (\(WorkflowSchema.roles.joined(separator: ", "))) or an e-mail address"
                    )
                ))
        }
        if let retry = values["retry"] { output.append(("retry", YAMLWriter.Value(retry))) }

        var action: [(String, YAMLWriter.Value)] = [
            ("id", .scalar("run_\(id ?? "engine")", plain: true)), ("type", .scalar("engine", plain: true)),
        ]
        if let entrypoint = values["entrypoint"] {
            action.append(("entrypoint", YAMLWriter.Value(entrypoint)))
        } else {
            action.append(
                (
                    "entrypoint",
                    fillIn(
                        "actions[0].entrypoint",
                        "the legacy file has no entrypoint; the dotted path of the engine's function")
                ))
        }
        output.append(("actions", .sequence([.mapping(action)])))

        var kept: [(String, YAMLWriter.Value)] = metadata.compactMap { entry in
            guard let key = entry.key.scalar, key != "sla_minutes", key != "escalation_contact" else { return nil }
            return (key, YAMLWriter.Value(entry.value))
        }
        if !legacyTriggers.isEmpty {
            kept.append(("legacy_triggers", .sequence(legacyTriggers.map { .scalar($0, plain: true) })))
        }
        // Keys the format does not know are kept too, under metadata, so nothing is lost.
        for entry in entries {
            guard let key = entry.key.scalar, !WorkflowSchema.legacyKeys.contains(key) else { continue }
            kept.append(("legacy_\(key)", YAMLWriter.Value(entry.value)))
        }
        if !kept.isEmpty { output.append(("metadata", .mapping(kept))) }

        let header = "# Upgraded from the legacy format by `rg-crm workflows upgrade`; see docs/workflows.md.\n"
        return Upgrade(text: YAMLWriter.document(output, header: header), missing: missing)
    }

    private static func uniqued(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

extension Double {
    /// `0.25`, `2`: a number as a person writes it.
    var formattedDecimal: String {
        if self == rounded() && abs(self) < 1e15 { return String(Int(self)) }
        var text = String(format: "%.4f", self)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
