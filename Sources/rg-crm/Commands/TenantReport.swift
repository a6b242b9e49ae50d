import ArgumentParser
import Foundation
import ProvisionKit
import RGCore
import ReportKit

extension Tenant {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the tenant's onboarding report: one self-contained HTML file for the UAT go/no-go.",
            discussion: """
                Tenant name, domain and verticals; the brand palette as swatches with WCAG AA contrast of text on
                the primary colour; the pipelines (drawn by Graphviz when `dot` is there, else as an outline); the
                cloned template library (subject or first line, a preview with links taken out); the last saved
                smoke run (rg-crm smoke --format json --output .rg-crm/state/SLUG/smoke.json); the manual
                checklist points with empty sign-off boxes; what provisioning did and when.

                The file has inline CSS and SVG, no script and no link to anything, so it opens from an e-mail
                attachment, and prints on A4. It is written only when its content changes (same inputs: unchanged).

                Examples:
                  rg-crm tenant report --tenant mrdj
                  rg-crm tenant report --tenant mrdj --out mrdj.html
                  rg-crm tenant report --tenant mrdj --out - > mrdj.html
                """)

        @OptionGroup var tenant: TenantOptions
        @OptionGroup var workflows: WorkflowLibraryOptions
        @OptionGroup var locations: ReportLocationOptions

        @Option(
            help:
                "The tenant's cloned template library (default: the onboarding's clone, or configs/tenants/SLUG/automation/templates)."
        )
        var templates: String?

        @Option(
            help:
                "A saved smoke run (rg-crm smoke --format json --output FILE); default .rg-crm/state/SLUG/smoke.json when it exists."
        )
        var smoke: String?

        @Option(
            help: "Where to write the report (default .rg-crm/reports/SLUG-onboarding.html; - for standard output).")
        var out: String?

        func run() throws {
            try reportingErrors {
                let slug = try tenant.slug()
                var source = locations.source(configDirectory: tenant.configDir)
                source.workflowDirectory = workflows.workflows
                source.templateDirectory = templates
                source.smokeFile = smoke
                let drawn = Graphviz.dotExecutable() != nil
                let (report, notes) = try source.report(slug) { graph in
                    guard drawn else { return [] }
                    return try graph.pipelines.indices.map { index in
                        try Graphviz.svg(
                            DOTRenderer.render(graph.pipeline(at: index), direction: .topToBottom, titled: false))
                    }
                }
                for note in notes { Terminal.note("note: \(note)") }
                if !drawn {
                    Terminal.note("note: Graphviz's dot is not on PATH; the report shows the pipelines as an outline")
                }
                let html = HTMLReport.render(report)
                let path = out ?? ReportWriter.defaultPath(slug: slug.rawValue)
                if path == "-" {
                    Terminal.write(html)
                    return
                }
                switch try ReportWriter.write(html, to: path) {
                case .written: Terminal.write("report \(slug): written \(path)\n")
                case .unchanged: Terminal.write("report \(slug): unchanged \(path)\n")
                }
            }
        }
    }
}

/// Where `tenant graph` and `tenant report` find what onboarding made: seeds, local state, the clones' root.
struct ReportLocationOptions: ParsableArguments {
    @Option(help: "Folder of the base and vertical seeds.")
    var seeds: String = SeedPlan.defaultSeedDirectory

    @Option(help: "Folder of rg-crm's local state (progress records, saved smoke runs).")
    var stateDir: String = ".rg-crm"

    @Option(help: "The onboarding's clone root: templates are read from ROOT/SLUG/automation/templates.")
    var automationRoot: String?

    func source(configDirectory: String) -> TenantReportSource {
        var settings = ProvisionSettings()
        settings.configDirectory = configDirectory
        settings.seedDirectory = seeds
        settings.stateDirectory = stateDir
        settings.automationRoot = automationRoot
        return TenantReportSource(settings: settings)
    }
}
