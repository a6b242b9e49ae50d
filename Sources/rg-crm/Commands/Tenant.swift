import ArgumentParser
import Foundation
import MigrationKit
import RGCore

struct Tenant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "List and offboard tenants in the CRM database.",
        subcommands: [List.self, Remove.self, Init.self, RenderDeploy.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List tenants with their verticals, creation time and row counts.",
            discussion: """
                Examples:
                  rg-crm tenant list
                  rg-crm tenant list --format json | jq '.[].slug'
                """)

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Output format: text or json.")
        var format: ListingFormat = .text

        func run() throws {
            let tenants = try reportingErrors { try TenantDirectory(connection: try connection.connect()).list() }
            switch format {
            case .text: Terminal.write(TenantRendering.table(tenants))
            case .json: Terminal.write(TenantRendering.json(tenants))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Offboard a tenant: drop its rows in every CRM table and its roles, in one transaction.",
            discussion: """
                Destructive and final. --confirm must repeat the slug; without it nothing happens.
                No other tenant's rows change. Removing a tenant that is not there changes nothing.
                The roles dropped are the ones this database maps to the tenant and that rg-crm marked as the
                tenant's in this database (whatever --role-prefix made them); any other is kept and named.

                Example:
                  rg-crm tenant remove acme --confirm acme
                """)

        @Argument(help: "The tenant's slug.")
        var slug: String

        @Option(help: "The slug again, to confirm.")
        var confirm: String?

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var roles: RoleOptions

        func run() throws {
            try reportingErrors {
                let slug = try Slug(slug)
                guard confirm == slug.rawValue else {
                    throw CommandFailure(
                        "removing tenant '\(slug)' deletes all its CRM data and roles; repeat its slug with --confirm \(slug) to proceed (nothing was changed)",
                        category: .usage)
                }
                // --role-prefix is accepted (and validated) for scripts that pass it, but roles are found through
                // crm_tenant_roles, so a wrong prefix can no longer leave a tenant's roles behind.
                let report = try TenantDirectory(connection: try connection.connect()).remove(slug)
                if !report.existed && report.droppedRoles.isEmpty {
                    Terminal.write("tenant \(slug): not present; nothing removed\n")
                    return
                }
                let rows = report.rowCounts.map { "\($0.rows) \($0.table.replacingOccurrences(of: "crm_", with: ""))" }
                    .joined(separator: ", ")
                let dropped =
                    report.droppedRoles.isEmpty ? "" : "; dropped roles \(report.droppedRoles.joined(separator: ", "))"
                let kept =
                    report.keptRoles.isEmpty
                    ? ""
                    : "; kept roles \(report.keptRoles.map { "\($0.role) (\($0.reason))" }.joined(separator: ", "))"
                Terminal.write("tenant \(slug): removed\(rows.isEmpty ? "" : " (\(rows))")\(dropped)\(kept)\n")
            }
        }
    }
}
