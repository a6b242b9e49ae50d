import RGCore

/// The graph in Graphviz's DOT language, written by rg-crm: node ids are generated (`p0s1`), and every name, key
/// and label reaches DOT only inside an HTML-like label, XML-escaped — quotes, `<>`, `&`, backslashes (doubled,
/// since Graphviz expands `\N` and `\G` even there) and umlauts are shown as they are. Control characters are
/// written visibly (`\n`, `\u{1B}`), as in terminal output.
public enum DOTRenderer {
    /// Which way a pipeline's chain runs: left to right for a screen, top to bottom for a page's column.
    public enum Direction: String, Sendable {
        case leftToRight = "LR"
        case topToBottom = "TB"
    }

    /// `titled`: the tenant's name above the drawing.
    public static func render(_ graph: TenantGraph, direction: Direction = .leftToRight, titled: Bool = true) -> String
    {
        var lines: [String] = []
        lines.append("digraph tenant {")
        let title = titled ? ", labelloc=t, label=<\(bold(graph.tenantName))>" : ""
        lines.append("  graph [rankdir=\(direction.rawValue), fontname=\"Helvetica\"\(title)];")
        lines.append("  node [fontname=\"Helvetica\", fontsize=11];")
        lines.append("  edge [fontname=\"Helvetica\", fontsize=9];")
        // Graphviz stacks clusters of a left-to-right graph bottom-up: the first pipeline is written last, to be on top.
        let ordered =
            direction == .leftToRight
            ? Array(graph.pipelines.enumerated().reversed()) : Array(graph.pipelines.enumerated())
        for (p, pipeline) in ordered {
            var title = bold(pipeline.name)
            var facts: [String] = [pipeline.key]
            if let vertical = pipeline.vertical { facts.append(vertical) }
            if pipeline.isDefault { facts.append("default") }
            title += "<BR/>" + small(facts.joined(separator: " · "))
            lines.append("  subgraph cluster_p\(p) {")
            lines.append("    label=<\(title)>; style=rounded; color=\"#9CA3AF\";")
            for (s, stage) in pipeline.stages.enumerated() {
                let label = bold(stage.name) + "<BR/>" + small("\(stage.key) · SLA \(stage.slaHours.hoursText) h")
                lines.append(
                    "    p\(p)s\(s) [shape=box, style=\"rounded,filled\", fillcolor=\"#F3F4F6\", label=<\(label)>];")
                for (w, workflow) in stage.workflows.enumerated() {
                    lines.append("    p\(p)s\(s)w\(w) [\(workflowAttributes(workflow))];")
                    lines.append("    p\(p)s\(s) -> p\(p)s\(s)w\(w) [style=dotted, arrowhead=none];")
                }
            }
            for s in pipeline.stages.indices.dropLast() {
                lines.append("    p\(p)s\(s) -> p\(p)s\(s + 1) [weight=10];")
            }
            let index = Dictionary(pipeline.stages.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
            for transition in pipeline.transitions {
                guard let from = index[transition.from], let to = index[transition.to] else { continue }
                lines.append(
                    "    p\(p)s\(from) -> p\(p)s\(to) [style=dashed, color=\"#2563EB\", fontcolor=\"#2563EB\", constraint=false, label=<\(text(transition.label))>];"
                )
            }
            lines.append("  }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func workflowAttributes(_ workflow: TenantGraph.Workflow) -> String {
        var label = bold(workflow.name ?? workflow.id)
        var facts = [workflow.id]
        if let trigger = workflow.trigger { facts.append(trigger) }
        label += "<BR/>" + small(facts.joined(separator: " · "))
        if workflow.file == nil {
            label += "<BR/>" + small("no workflow file")
            return "shape=note, style=\"dashed\", color=\"#DC2626\", label=<\(label)>"
        }
        if !workflow.channels.isEmpty {
            label += "<BR/>" + small(workflow.channels.joined(separator: ", "))
        }
        return "shape=note, style=filled, fillcolor=\"#FEF3C7\", label=<\(label)>"
    }

    /// Text for an HTML-like label: control characters made visible, XML-escaped, backslashes doubled.
    static func text(_ value: String) -> String { Markup.escaped(value, doublingBackslashes: true) }

    static func bold(_ value: String) -> String { "<B>" + text(value) + "</B>" }
    static func small(_ value: String) -> String { "<FONT POINT-SIZE=\"9\">" + text(value) + "</FONT>" }
}
