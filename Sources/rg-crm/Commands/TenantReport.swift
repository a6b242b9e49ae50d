import ArgumentParser
import Foundation
import MigrationKit
import ProvisionKit
import RGCore
import ReportKit
import TemplateCloner
import WorkflowLint

extension Tenant {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the tenant's onboarding report: one self-contained HTML file for the UAT go/no-go.",
            discussion: """
                Tenant name, domain and verticals; the brand palette as swatches with WCAG AA contrast of text on
                the primary colour; the pipelines (drawn by Graphviz when `dot` is there, else as an outline); the
                cloned template library (subject or first line, a preview with links taken out); the last smoke
                run; the manual checklist points with empty sign-off boxes; what provisioning did.

                The file has inline CSS and SVG, no script and no link to anything, so it opens from an e-mail
                attachment, and prints on A4. It is written only when its content changes (same inputs: unchanged).

                Examples:
                  rg-crm tenant report --tenant mrdj
                  rg-crm tenant report --tenant mrdj --out mrdj.html
                  rg-crm tenant report --tenant mrdj --out - > mrdj.html
                """)

        @OptionGroup var tenant: TenantOptions
        @OptionGroup var workflows: WorkflowLibraryOptions

        @Option(help: "Folder of the base and vertical seeds.")
        var seeds: String = SeedPlan.defaultSeedDirectory

        @Option(help: "The tenant's cloned template library (default: configs/tenants/SLUG/automation/templates).")
        var templates: String?

        @Option(
            help: "Where to write the report (default .rg-crm/reports/SLUG-onboarding.html; - for standard output).")
        var out: String?

        func run() throws {
            try reportingErrors {
                let library = workflows.workflows ?? WorkflowLinter.defaultDirectory
                let pack = try tenant.load(workflows: try workflows.ids(required: false))
                let plan = try SeedPlan.build(pack: pack, seedDirectory: seeds)
                let summaries =
                    FileManager.default.fileExists(atPath: library) ? try WorkflowSummary.load(directory: library) : []
                let graph = TenantGraph(tenantName: pack.tenant.name, pipelines: plan.pipelines, workflows: summaries)
                let templateFolder = templates ?? tenant.defaultAutomationFolder + "/templates"
                let digests: [TemplateDigest]
                do {
                    digests = try TemplateDigest.library(at: templateFolder)
                } catch TemplateClonerError.notFound where templates == nil {
                    Terminal.note("note: no cloned template library at \(templateFolder); the report lists none")
                    digests = []
                }
                var diagrams: [String] = []
                if Graphviz.dotExecutable() != nil {
                    for index in graph.pipelines.indices {
                        diagrams.append(
                            try Graphviz.svg(
                                DOTRenderer.render(graph.pipeline(at: index), direction: .topToBottom, titled: false)))
                    }
                } else {
                    Terminal.note("note: Graphviz's dot is not on PATH; the report shows the pipelines as an outline")
                }
                let report = TenantReport(
                    tenant: pack.tenant, graph: graph, diagrams: diagrams, templates: digests, smoke: nil,
                    manualPoints: [], provisioning: [])
                let html = HTMLReport.render(report)
                let path = out ?? ReportWriter.defaultPath(slug: pack.tenant.slug.description)
                if path == "-" {
                    Terminal.write(html)
                    return
                }
                switch try ReportWriter.write(html, to: path) {
                case .written: Terminal.write("report \(pack.tenant.slug): written \(path)\n")
                case .unchanged: Terminal.write("report \(pack.tenant.slug): unchanged \(path)\n")
                }
            }
        }
    }
}
