import Foundation
import RGCore

/// What a workflow does, for people: its id, name, trigger, the stage it fires at, and the channels its actions
/// reach people through (email, WhatsApp, Teams, and a task for a person) in the order they first appear; internal
/// steps (engine, wait, advance_stage) are not channels. Read with the linter's own parser — anchors,
/// aliases and merge keys resolved as lint resolves them — from a file that may have findings: a field that is
/// missing or of the wrong type is `nil`, never guessed.
public struct WorkflowSummary: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var trigger: String?
    public var entryStage: String?
    public var slaHours: Double?
    /// Channels in order of first use, each once.
    public var channels: [String]
    public var file: String

    public init(
        id: String, name: String? = nil, trigger: String? = nil, entryStage: String? = nil, slaHours: Double? = nil,
        channels: [String] = [], file: String
    ) {
        self.id = id
        self.name = name
        self.trigger = trigger
        self.entryStage = entryStage
        self.slaHours = slaHours
        self.channels = channels
        self.file = file
    }

    /// The summary of one file's content. The id is the `workflow:` value, else the file's stem (as lint expects).
    public static func summarize(_ bytes: [UInt8], path: String) -> WorkflowSummary {
        var sink = FindingSink(file: path)
        let root = DocumentBuilder.build(bytes, sink: &sink)
        var summary = WorkflowSummary(id: WorkflowLinter.fileStem(path), file: path)
        guard let entries = root?.entries else { return summary }
        func value(_ key: String) -> Node? { entries.first { $0.key.scalar == key }?.value }
        func text(_ key: String) -> String? {
            guard let node = value(key), case .string = node.scalarType else { return nil }
            return node.scalar
        }
        summary.id = text("workflow") ?? summary.id
        summary.name = text("name")
        summary.trigger = text("trigger")
        summary.entryStage = text("entry_stage")
        summary.slaHours = value("sla_hours")?.number
        var channels: [String] = []
        for action in value("actions")?.flattenedActions ?? [] {
            guard let type = action.entries?.first(where: { $0.key.scalar == "type" })?.value.scalar else { continue }
            let reachesPeople = WorkflowSchema.actionType(type)?.channel != nil || type == "task"
            if reachesPeople, !channels.contains(type) { channels.append(type) }
        }
        summary.channels = channels
        return summary
    }

    /// Every `*.yaml` / `*.yml` under `directory`, summarized, ordered by id.
    public static func load(directory: String) throws(LintSetupError) -> [WorkflowSummary] {
        var summaries: [WorkflowSummary] = []
        for file in try WorkflowCatalog.files(in: directory) {
            do {
                summaries.append(
                    summarize(try BoundedFile.read(file, limit: WorkflowLinter.maximumFileSize), path: file))
            } catch {
                throw LintSetupError(error.description)
            }
        }
        return summaries.sorted { ($0.id, $0.file) < ($1.id, $1.file) }
    }
}

extension Node {
    /// `actions:` as lint reads it: a building block that is a list of actions, used through an alias, adds all of
    /// them. Empty when this is not a list.
    var flattenedActions: [Node] {
        guard let items else { return [] }
        var actions: [Node] = []
        for item in items {
            if let nested = item.items, item.via != nil {
                actions += nested
            } else {
                actions.append(item)
            }
        }
        return actions
    }
}
