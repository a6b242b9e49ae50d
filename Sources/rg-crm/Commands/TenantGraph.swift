import ArgumentParser
import Foundation
import ProvisionKit
import RGCore
import ReportKit

extension Tenant {
    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Draw a tenant's pipelines: stages, the workflows that fire at them, automatic transitions.",
            discussion: """
                Each pipeline the tenant gets (its verticals' defaults with its own crm.json on top, as `db seed`
                merges them) as a left-to-right chain of stages with their SLA; the workflows firing at a stage
                (its automation, or a workflow's entry_stage) with trigger and channels; auto_progress_rule
                transitions as labelled dashed edges. Reads files only.

                Formats: text (an outline for the terminal), dot (Graphviz source, written by rg-crm), svg (through
                Graphviz's `dot`; without it, exit 2).

                Examples:
                  rg-crm tenant graph --tenant mrdj
                  rg-crm tenant graph --tenant mrdj --format svg > mrdj.svg
                  rg-crm tenant graph --tenant mrdj --format dot | dot -Tpng > mrdj.png
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text
            case dot
            case svg
        }

        @OptionGroup var tenant: TenantOptions
        @OptionGroup var workflows: WorkflowLibraryOptions

        @Option(help: "Folder of the base and vertical seeds.")
        var seeds: String = SeedPlan.defaultSeedDirectory

        @Option(help: "Output format: text, dot or svg.")
        var format: Format = .text

        func run() throws {
            try reportingErrors {
                var settings = ProvisionSettings()
                settings.configDirectory = tenant.configDir
                settings.seedDirectory = seeds
                var source = TenantReportSource(settings: settings)
                source.workflowDirectory = workflows.workflows
                let graph = try source.graph(try tenant.slug()).graph
                switch format {
                case .text: Terminal.write(OutlineRenderer.render(graph))
                case .dot: Terminal.write(DOTRenderer.render(graph))
                case .svg: Terminal.write(try Graphviz.svg(DOTRenderer.render(graph)))
                }
            }
        }
    }
}
