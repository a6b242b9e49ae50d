import RGCore
import WorkflowLint

/// A tenant's pipelines as a picture: each pipeline a left-to-right chain of its stages, the workflows that fire at
/// each stage, the `auto_progress_rule` transitions as labelled edges, and the channels each workflow uses.
///
/// Pure: built from the tenant's effective pipelines (its verticals' defaults with its own `crm.json` on top, as
/// seeding merges them) and the summaries of the workflow files; renderers turn it into DOT or an outline.
public struct TenantGraph: Sendable, Equatable {
    public struct Pipeline: Sendable, Equatable {
        public var key: String
        public var name: String
        public var vertical: String?
        public var isDefault: Bool
        public var stages: [Stage]
        public var transitions: [Transition]
    }

    public struct Stage: Sendable, Equatable {
        public var key: String
        public var name: String
        public var slaHours: Double
        public var workflows: [Workflow]
    }

    /// A workflow firing at a stage: named by the stage's `automation`, or entering at the stage by its
    /// `entry_stage`. `file == nil` when the stage names a workflow no file defines.
    public struct Workflow: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var trigger: String?
        public var channels: [String]
        public var file: String?
    }

    /// A deal moving on by itself: `auto_progress_rule` `on` (and its activity type) from a stage to another.
    public struct Transition: Sendable, Equatable {
        public var from: String
        public var to: String
        public var label: String
    }

    public var tenantName: String
    public var pipelines: [Pipeline]

    public init(tenantName: String, pipelines: [PipelineConfig], workflows: [WorkflowSummary]) {
        self.tenantName = tenantName
        let byID = Dictionary(workflows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.pipelines = pipelines.map { pipeline in
            let stages = pipeline.stages.map { stage in
                var ids: [String] = []
                if let automation = stage.automation { ids.append(automation) }
                for summary in workflows where summary.entryStage == stage.key && !ids.contains(summary.id) {
                    ids.append(summary.id)
                }
                let fired = ids.map { id in
                    let summary = byID[id]
                    return Workflow(
                        id: id, name: summary?.name, trigger: summary?.trigger, channels: summary?.channels ?? [],
                        file: summary?.file)
                }
                return Stage(key: stage.key, name: stage.name, slaHours: stage.slaHours, workflows: fired)
            }
            let keys = Set(pipeline.stages.map(\.key))
            let transitions = pipeline.stages.compactMap { stage -> Transition? in
                guard let rule = stage.autoProgressRule, let to = Self.string(rule, "to"), keys.contains(to) else {
                    return nil
                }
                var label = Self.string(rule, "on") ?? "auto"
                if let activity = Self.string(rule, "activity_type") { label += " (\(activity))" }
                return Transition(from: stage.key, to: to, label: label)
            }
            return Pipeline(
                key: pipeline.key, name: pipeline.name, vertical: pipeline.vertical?.rawValue,
                isDefault: pipeline.isDefault, stages: stages, transitions: transitions)
        }
    }

    /// The same graph with one pipeline only (the report draws each on its own, to fit a page's width).
    public func pipeline(at index: Int) -> TenantGraph {
        var copy = self
        copy.pipelines = [pipelines[index]]
        return copy
    }

    /// Every workflow that fires somewhere, once, in order of first appearance.
    public var workflows: [Workflow] {
        var seen: Set<String> = []
        return pipelines.flatMap { $0.stages.flatMap(\.workflows) }.filter { seen.insert($0.id).inserted }
    }

    private static func string(_ value: JSONValue, _ key: String) -> String? {
        guard case .object(let entries) = value, let found = entries.first(where: { $0.0 == key }),
            case .string(let text) = found.1
        else { return nil }
        return text
    }
}

extension Double {
    /// `4`, `0.25`: an SLA in hours as people write it.
    var hoursText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
