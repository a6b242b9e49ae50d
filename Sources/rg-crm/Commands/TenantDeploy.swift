import ArgumentParser
import Foundation
import ProvisionKit
import RGCore

extension Tenant {
    /// Hidden until `tenant plan` / `tenant apply` run the deploy resource with the others.
    struct RenderDeploy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render-deploy",
            abstract: "Render a tenant's Kubernetes artefacts into deploy/tenants/SLUG/.",
            discussion: """
                Renders namespace.yaml, values.yaml (the rentguy-crm chart's values, from --template) and \
                externalsecrets.yaml (Vault paths, never secret values) from the tenant's config pack. A file is \
                written only when its bytes differ, each staged and renamed. A file changed by hand since it was \
                rendered is a conflict: nothing is written (exit 1) unless --force.

                Examples:
                  rg-crm tenant render-deploy --tenant mrdj --dry-run
                  rg-crm tenant render-deploy --tenant mrdj
                """,
            shouldDisplay: false)

        @OptionGroup var tenant: TenantOptions

        @Option(help: "The chart's values template.")
        var template: String = DeployTemplate.defaultPath

        @Option(help: "Folder holding one folder of deploy artefacts per tenant.")
        var deployDir: String = DeployRenderer.defaultDirectory

        @Flag(help: "Show what would change; write nothing.")
        var dryRun = false

        @Flag(help: "Overwrite files changed by hand.")
        var force = false

        @Flag(help: "List unchanged files too.")
        var verbose = false

        @OptionGroup var output: PlanOptions

        func validate() throws { try output.validate(dryRun: dryRun) }

        func run() throws {
            try output.run {
                let pack = try tenant.load()
                let files = try DeployRenderer.render(pack: pack, template: try DeployTemplate.load(template))
                let directory = (deployDir as NSString).appendingPathComponent(pack.tenant.slug.rawValue)
                let plan =
                    dryRun
                    ? Plan(try DeployWriter.plan(files: files, under: directory))
                    : Plan(try DeployWriter.apply(files: files, under: directory, force: force), applied: true)
                output.write(plan, verbose: verbose)
                return plan
            }
        }
    }
}
