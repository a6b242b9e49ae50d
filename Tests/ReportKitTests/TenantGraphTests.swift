import Foundation
import RGCore
import ReportKit
import TestSupport
import Testing
import WorkflowLint

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct TenantGraphTests {
    static func pipeline(key: String = "sales", name: String = "Sales", stages: [StageConfig]) -> PipelineConfig {
        PipelineConfig(
            key: key, name: name, vertical: .wedding, type: "sales", slaResponseHours: 24, isDefault: true,
            stages: stages)
    }

    static let rule: JSONValue = .object([
        ("on", .string("activity.logged")), ("activity_type", .string("call")), ("to", .string("b")),
    ])

    @Test func stagesChainWorkflowsFireByAutomationOrEntryStageAndRulesBecomeTransitions() {
        let stages = [
            StageConfig(
                key: "a", name: "Nieuwe Lead", slaHours: 0.25, autoProgressRule: Self.rule, automation: "intake"),
            StageConfig(key: "b", name: "Offerte", slaHours: 48),
            StageConfig(
                key: "c", name: "Klaar", slaHours: 1,
                autoProgressRule: .object([("on", .string("deal.won")), ("to", .string("elsewhere"))]),
                automation: "ghost"),
        ]
        let workflows = [
            WorkflowSummary(id: "intake", name: "Intake", trigger: "lead.created", channels: ["email"], file: "i.yaml"),
            WorkflowSummary(
                id: "followup", trigger: "deal.stage.changed", entryStage: "b", channels: [], file: "f.yaml"),
            WorkflowSummary(id: "unused", entryStage: "zzz", file: "u.yaml"),
        ]
        let graph = TenantGraph(tenantName: "T", pipelines: [Self.pipeline(stages: stages)], workflows: workflows)
        let pipeline = graph.pipelines[0]
        #expect(pipeline.stages.map(\.key) == ["a", "b", "c"])
        #expect(pipeline.stages[0].workflows.map(\.id) == ["intake"])
        #expect(pipeline.stages[0].workflows[0].channels == ["email"])
        #expect(pipeline.stages[1].workflows.map(\.id) == ["followup"])
        // A stage naming a workflow no file defines keeps it, marked as missing.
        #expect(pipeline.stages[2].workflows.map(\.id) == ["ghost"])
        #expect(pipeline.stages[2].workflows[0].file == nil)
        // A rule to a stage outside the pipeline draws nothing.
        #expect(pipeline.transitions.map { [$0.from, $0.to, $0.label] } == [["a", "b", "activity.logged (call)"]])
        #expect(graph.workflows.map(\.id) == ["intake", "followup", "ghost"])

        let outline = OutlineRenderer.render(graph)
        #expect(
            outline.contains(
                "  1. Nieuwe Lead  [SLA 0.25 h]\n       workflow intake — Intake (on lead.created): email\n       → Offerte on activity.logged (call)\n"
            ))
        #expect(outline.contains("workflow ghost: no workflow file"))
    }

    static let hostile = [
        "Quote \" in\"; x [label=\"pwned\"]", "Angle <B>bold</B> & amp", "Back\\slash \\N \\l \\G", "Ümlaut Ößé 🎧",
        "Line\nbreak\u{1B}[31m", "]]> <!-- -->", "'single'", "Non\u{FFFF}character",
    ]

    @Test func everyNameReachesDOTOnlyEscapedInsideAnHTMLLabel() {
        let stages = Self.hostile.enumerated().map { StageConfig(key: "s\($0)", name: $1, slaHours: 1) }
        let graph = TenantGraph(
            tenantName: Self.hostile[0], pipelines: [Self.pipeline(name: Self.hostile[1], stages: stages)],
            workflows: [])
        let dot = DOTRenderer.render(graph)
        // Outside the labels there is nothing but generated ids and fixed attributes: strip every <…> label
        // (balanced angle brackets) and no name is left over.
        var outside = ""
        var depth = 0
        for character in dot {
            if character == "<" {
                depth += 1
            } else if character == ">" && depth > 0 {
                depth -= 1
            } else if depth == 0 {
                outside.append(character)
            }
        }
        for fragment in ["pwned", "bold", "slash", "laut", "break", "single"] {
            #expect(!outside.contains(fragment), "\(fragment) outside a label")
        }
        #expect(dot.contains("Quote &quot; in&quot;; x [label=&quot;pwned&quot;]"))
        #expect(dot.contains("Angle &lt;B&gt;bold&lt;/B&gt; &amp; amp"))
        #expect(dot.contains("Ümlaut Ößé 🎧"))
        #expect(dot.contains("Line\\\\nbreak\\\\u{1B}[31m"))
        #expect(dot.contains("Back\\\\slash \\\\N \\\\l \\\\G"))
        #expect(!dot.contains("\u{1B}"))
    }

    @Test(.enabled(if: TestRequirements.executable("/usr/bin/dot"), "needs Graphviz's dot (apt-get install graphviz)"))
    func graphvizReadsTheHostileGraphAndShowsEveryNameAsWritten() throws {
        let stages = Self.hostile.enumerated().map { StageConfig(key: "s\($0)", name: $1, slaHours: 1) }
        let graph = TenantGraph(
            tenantName: "Mr. \"DJ\"", pipelines: [Self.pipeline(name: "P <1>", stages: stages)],
            workflows: [])
        let svg = try Graphviz.svg(DOTRenderer.render(graph))
        // The SVG is XML: parse it and collect its text.
        let document = try XMLDocument(data: Data(svg.utf8))
        let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        for name in Self.hostile {
            #expect(texts.contains(TerminalText.escaped(name)), "\(name) not drawn as written: \(texts)")
        }
        #expect(texts.contains("Mr. \"DJ\""))
        #expect(texts.contains("P <1>"))
        // One node per stage, one edge per step of the chain.
        let nodes = try document.nodes(forXPath: "//*[@class='node']")
        let edges = try document.nodes(forXPath: "//*[@class='edge']")
        #expect(nodes.count == Self.hostile.count)
        #expect(edges.count == Self.hostile.count - 1)
    }

    @Test func aWorkflowSummaryResolvesAliasesAndMergeKeysAndCountsOnlyChannels() {
        let yaml = """
            workflow: care
            name: "Care: after the event"
            trigger: event.completed
            entry_stage: event_uitgevoerd
            sla_hours: 0.5
            blocks:
              first: &first
                - id: a
                  type: engine
                  entrypoint: x
                - id: b
                  type: teams
                  webhook: w
              step: &step
                type: email
                template: t
            actions:
              - *first
              - <<: *step
                id: c
              - id: d
                type: wait
                hours: 1
              - id: e
                type: task
                title: Bel
              - id: f
                type: email
                template: u
            """
        let summary = WorkflowSummary.summarize(Array(yaml.utf8), path: "dir/care.yaml")
        #expect(summary.id == "care")
        #expect(summary.name == "Care: after the event")
        #expect(summary.trigger == "event.completed")
        #expect(summary.entryStage == "event_uitgevoerd")
        #expect(summary.slaHours == 0.5)
        #expect(summary.channels == ["teams", "email", "task"])

        // Broken or partial files give what is there, nothing guessed.
        let partial = WorkflowSummary.summarize(Array("trigger: [1, 2]\nname: 3\n".utf8), path: "x/other.yml")
        #expect(partial == WorkflowSummary(id: "other", file: "x/other.yml"))
        #expect(WorkflowSummary.summarize(Array(": : :\n\t".utf8), path: "bad.yaml").id == "bad")
    }
}
