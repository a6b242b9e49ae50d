import ArgumentParser
import Foundation
import ProvisionKit
import RGCore

extension Db {
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed",
            abstract: "Create or update a tenant: its row, roles, pipelines, stages and settings.",
            discussion: """
                Validates the config pack first (with the workflows its automation names, when the workflow library is
                there), then in one transaction applies the base seed, the seeds of the tenant's
                verticals (db/seeds/crm/<vertical>.json) and the tenant's crm.json, later layers winning. A second run with the
                same input changes nothing and says "unchanged". A stage that deals still use is never removed.

                --dry-run runs the same statements in a transaction that is rolled back (deferred constraints checked
                first): nothing is committed and its locks end with it, and the plan is exactly what a real run would do.

                Examples:
                  rg-crm db seed --tenant mrdj
                  rg-crm db seed --tenant mrdj --dry-run
                  rg-crm db seed --tenant mrdj --dry-run --format json --detailed-exitcode
                """)

        @OptionGroup var tenant: TenantOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var roles: RoleOptions
        @OptionGroup var workflows: WorkflowLibraryOptions

        @Option(help: "Folder of the base and vertical seeds.")
        var seeds: String = SeedPlan.defaultSeedDirectory

        @Flag(help: "Show what would change; change nothing.")
        var dryRun = false

        @Flag(help: "List unchanged objects too.")
        var verbose = false

        @OptionGroup var output: PlanOptions

        func validate() throws { try output.validate(dryRun: dryRun) }

        func run() throws {
            try output.run {
                // Everything that can be checked without the server is checked before connecting.
                let plan = try SeedPlan.build(
                    pack: try tenant.load(workflows: try workflows.ids(required: false)), seedDirectory: seeds)
                let seeder = TenantSeeder(connection: try connection.connect(), plan: plan, rolePrefix: roles.prefix)
                let report = try seeder.seed(dryRun: dryRun)
                if output.format == .text {
                    let slug = plan.tenant.slug
                    let changed = report.changes.filter { $0.action != .unchanged }.count
                    let verb = dryRun ? "would change" : "changed"
                    Terminal.write(
                        report.unchanged
                            ? "tenant \(slug): unchanged\n" : "tenant \(slug): \(verb) \(changed) object(s)\n")
                }
                output.write(report.plan, verbose: verbose)
                return report.plan
            }
        }
    }
}
