import RGCore

/// The graph as an indented outline for a terminal: pipelines, their stages in order with SLA, the workflows firing
/// at each (trigger and channels), and the transitions a stage makes by itself. Every name is terminal-safe.
public enum OutlineRenderer {
    public static func render(_ graph: TenantGraph) -> String {
        var lines: [String] = [TerminalText.escaped(graph.tenantName)]
        for pipeline in graph.pipelines {
            var facts = [pipeline.key]
            if let vertical = pipeline.vertical { facts.append(vertical) }
            if pipeline.isDefault { facts.append("default") }
            lines.append("")
            lines.append(
                "\(TerminalText.escaped(pipeline.name)) (\(TerminalText.escaped(facts.joined(separator: ", "))))")
            let names = Dictionary(pipeline.stages.map { ($0.key, $0.name) }, uniquingKeysWith: { a, _ in a })
            for (number, stage) in pipeline.stages.enumerated() {
                lines.append(
                    "  \(number + 1). \(TerminalText.escaped(stage.name))  [SLA \(stage.slaHours.hoursText) h]")
                for workflow in stage.workflows {
                    var line = "       workflow \(TerminalText.escaped(workflow.id))"
                    if let name = workflow.name { line += " — \(TerminalText.escaped(name))" }
                    if let trigger = workflow.trigger { line += " (on \(TerminalText.escaped(trigger)))" }
                    if workflow.file == nil {
                        line += ": no workflow file"
                    } else if !workflow.channels.isEmpty {
                        line += ": " + TerminalText.escaped(workflow.channels.joined(separator: ", "))
                    }
                    lines.append(line)
                }
                for transition in pipeline.transitions where transition.from == stage.key {
                    let target = names[transition.to] ?? transition.to
                    lines.append(
                        "       → \(TerminalText.escaped(target)) on \(TerminalText.escaped(transition.label))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
