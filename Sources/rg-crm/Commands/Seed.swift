import ArgumentParser
import Foundation
import MigrationKit
import RGCore

extension Db {
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed",
            abstract: "Create or update a tenant: its row, roles, pipelines, stages and settings.",
            discussion: """
                Validates the config pack first, then in one transaction applies the base seed, the seeds of the tenant's
                verticals (db/seeds/crm/<vertical>.json) and the tenant's crm.json, later layers winning. A second run with the
                same input changes nothing and says "unchanged". A stage that deals still use is never removed.

                Examples:
                  rg-crm db seed --tenant mrdj
                  rg-crm db seed --tenant mrdj --dry-run
                """)

        @OptionGroup var tenant: TenantOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var roles: RoleOptions

        @Option(help: "Folder of the base and vertical seeds.")
        var seeds: String = SeedPlan.defaultSeedDirectory

        @Flag(help: "Show what would change; change nothing.")
        var dryRun = false

        func run() throws {
            try reportingErrors {
                // Everything that can be checked without the server is checked before connecting.
                let plan = try SeedPlan.build(pack: try tenant.load(), seedDirectory: seeds)
                let seeder = TenantSeeder(connection: try connection.connect(), plan: plan, rolePrefix: roles.prefix)
                let report = try seeder.seed(dryRun: dryRun)
                let slug = plan.tenant.slug
                if report.unchanged {
                    Terminal.write("tenant \(slug): unchanged\n")
                    return
                }
                let verb = dryRun ? "would change" : "changed"
                Terminal.write("tenant \(slug): \(verb) \(report.changes.count) object(s)\n")
                Terminal.write(report.changes.map { "  \(dryRun ? "would be " : "")\($0)\n" }.joined())
            }
        }
    }
}
