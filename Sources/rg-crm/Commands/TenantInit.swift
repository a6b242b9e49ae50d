import ArgumentParser
import Foundation
import ProvisionKit
import RGCore

extension Tenant {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a tenant's config pack (tenant.json, crm.json) from an existing one.",
            discussion: """
                Day 0 of onboarding. Copies --from's pack (Mr. DJ's by default) to <config-dir>/SLUG/ with the new \
                slug, name, domain, verticals and colour; the vault: references' tenant segment and every text \
                holding the source's domain are rewritten, the logo becomes https://DOMAIN/assets/brand/logo.svg \
                (or --logo-url), and pipelines of verticals the tenant does not serve are left out. Key order is the \
                source's. The new pack is validated like `config check` before anything is written; both files are \
                written to a hidden folder that is then renamed into place.
                An existing pack is never overwritten (exit 2). Running the same command again on the pack it wrote \
                says "unchanged" and exits 0.

                Examples:
                  rg-crm tenant init acme --name "Acme Events" --domain acme.rentguy.nl --vertical corporate
                  rg-crm tenant init acme --name Acme --domain acme.rentguy.nl --vertical wedding --vertical festival \
                --primary-color '#0F766E' --dry-run
                """)

        @Argument(help: "The new tenant's slug (^[a-z][a-z0-9_]{1,30}$).")
        var slug: String

        @Option(help: "The tenant's display name.")
        var name: String

        @Option(help: "The tenant's domain (the CRM's host), e.g. acme.rentguy.nl.")
        var domain: String

        @Option(
            name: .customLong("vertical"),
            help: "A vertical the tenant serves: wedding, corporate or festival (repeat, or separate with commas).")
        var verticals: [String] = []

        @Option(help: "The brand's primary colour (#rgb or #rrggbb); default the source pack's.")
        var primaryColor: String?

        @Option(help: "The logo's https:// URL; default https://DOMAIN/assets/brand/logo.svg.")
        var logoUrl: String?

        @Option(help: "The tenant whose pack is copied.")
        var from: String = TenantInitRequest.defaultSource

        @Option(help: "Folder holding one config pack per tenant.")
        var configDir: String = ConfigPack.defaultConfigDirectory

        @Flag(help: "Validate and show what would be written; write nothing.")
        var dryRun = false

        @OptionGroup var output: PlanOptions

        func validate() throws { try output.validate(dryRun: dryRun) }

        func run() throws {
            try output.run {
                let request = TenantInitRequest(
                    slug: try Slug(slug), name: name, domain: domain,
                    verticals: verticals.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map {
                        $0.trimmingCharacters(in: .whitespaces)
                    },
                    primaryColor: primaryColor, logoURL: logoUrl, source: try Slug(from), configDirectory: configDir)
                let initPlan = try TenantInitializer.plan(request)
                let plan = dryRun ? Plan(initPlan.changes) : try TenantInitializer.apply(initPlan)
                for note in initPlan.notes { Terminal.note("note: \(note)") }
                if output.format == .text {
                    let unchanged = !plan.hasChanges
                    let verb = unchanged ? "unchanged" : dryRun ? "would be created" : "created"
                    Terminal.write("tenant \(request.slug): config pack \(initPlan.directory) \(verb)\n")
                }
                output.write(plan, verbose: true)
                return plan
            }
        }
    }
}
