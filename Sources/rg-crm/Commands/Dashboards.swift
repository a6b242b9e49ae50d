import ArgumentParser
import DashboardKit
import Foundation
import RGCore

struct Dashboards: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboards",
        abstract:
            "Import the CRM dashboards into a tenant's Metabase collection, or export one back to the repository.",
        subcommands: [Import.self, Export.self])

    /// How to reach Metabase: --metabase-url / METABASE_URL, and METABASE_API_KEY or METABASE_USER +
    /// METABASE_PASSWORD (environment only, so no secret is on the command line).
    struct MetabaseOptions: ParsableArguments {
        @Option(help: "Metabase's base URL; default $METABASE_URL.")
        var metabaseURL: String?

        @Option(help: "Seconds each request may take.")
        var timeout: Int = 30

        @Option(help: "The tenant's name for its collection 'CRM / <name>'; default the name in its config pack.")
        var tenantName: String?

        @OptionGroup var tenant: TenantOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
            do { _ = try tenant.slug() } catch { throw ValidationError("\(error)") }
        }

        func client(extraSecrets: [String] = []) throws -> MetabaseClient {
            let environment = ProcessInfo.processInfo.environment
            guard let url = metabaseURL ?? environment["METABASE_URL"], !url.isEmpty else {
                throw CommandFailure("no Metabase URL: pass --metabase-url or set METABASE_URL", category: .usage)
            }
            let credentials: MetabaseCredentials
            if let key = environment["METABASE_API_KEY"], !key.isEmpty {
                credentials = .apiKey(key)
            } else if let user = environment["METABASE_USER"], !user.isEmpty,
                let password = environment["METABASE_PASSWORD"]
            {
                credentials = .password(user: user, password: password)
            } else {
                throw CommandFailure(
                    "no Metabase credentials: set METABASE_API_KEY, or METABASE_USER and METABASE_PASSWORD",
                    category: .usage)
            }
            return try MetabaseClient(
                baseURL: url, credentials: credentials, timeoutSeconds: timeout, extraSecrets: extraSecrets)
        }

        func name() throws -> String {
            if let tenantName, !tenantName.isEmpty { return tenantName }
            return try tenant.load().tenant.name
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Create or update the dashboards of --from in the collection 'CRM / <tenant name>'.",
            discussion: """
                Finds (or creates) the collection CRM / <tenant name>, the tenant's Metabase database by name
                (--database-name, default rentguy-crm-<slug>; --register-database --reader-url creates it with the
                credentials of a login that holds rg_<slug>_reader, so row-level security keeps each tenant's numbers
                its own), then creates or updates every card and dashboard. Without a tenant database it refuses
                (exit 2) unless --shared-database NAME is given, and then the cards are NOT tenant-isolated.

                What was created is recorded in <state-dir>/<slug>/metabase.json; a second run sends no POST and no PUT
                and says "dashboards <slug>: unchanged". --dry-run prints the plan from reads only.

                Environment: METABASE_URL, METABASE_API_KEY (sent as X-API-Key), or METABASE_USER and
                METABASE_PASSWORD (one login per run); METABASE_READER_URL for --reader-url.
                Exit codes: 0 done (or nothing to do), 1 Metabase or the network failed, 2 bad input; with
                --dry-run --detailed-exitcode, 0 no changes, 2 changes, 1 any error.

                Examples:
                  rg-crm dashboards import --tenant mrdj --dry-run
                  rg-crm dashboards import --tenant mrdj --register-database --reader-url "$READER_URL"
                  rg-crm dashboards import --tenant mrdj --dry-run --detailed-exitcode --format json
                """)

        @OptionGroup var metabase: MetabaseOptions

        @Option(help: "Folder of dashboard files.")
        var from: String = DashboardFormat.defaultDirectory

        @Option(help: "The tenant's Metabase database; default rentguy-crm-<slug>.")
        var databaseName: String?

        @Flag(help: "Create the tenant's Metabase database when it is missing (needs --reader-url).")
        var registerDatabase = false

        @Option(
            help:
                "postgresql://USER:PASSWORD@HOST[:PORT]/DB of a login holding the tenant's reader role; default $METABASE_READER_URL."
        )
        var readerURL: String?

        @Option(help: "Run the cards on this shared Metabase database instead (NOT tenant-isolated).")
        var sharedDatabase: String?

        @Option(help: "Folder of the import state (<state-dir>/<slug>/metabase.json).")
        var stateDir: String = ImportState.defaultDirectory

        @Flag(help: "Show what would change; change nothing.")
        var dryRun = false

        @Flag(help: "List unchanged objects too.")
        var verbose = false

        @OptionGroup var output: PlanOptions

        func validate() throws {
            try output.validate(dryRun: dryRun)
            if registerDatabase && sharedDatabase != nil {
                throw ValidationError("--register-database and --shared-database exclude each other")
            }
        }

        func run() throws {
            try output.run {
                let slug = try metabase.tenant.slug()
                // Everything that can be checked without Metabase is checked first.
                let dashboards = try DashboardFormat.load(directory: from)
                let tenantName = try metabase.name()
                var reader: ReaderDatabase?
                if registerDatabase {
                    guard let url = readerURL ?? ProcessInfo.processInfo.environment["METABASE_READER_URL"] else {
                        throw CommandFailure("--register-database needs --reader-url", category: .usage)
                    }
                    reader = try ReaderDatabase(url: url)
                }
                let client = try metabase.client(extraSecrets: reader.map { [$0.password] } ?? [])
                let request = ImportRequest(
                    slug: slug, tenantName: tenantName, dashboards: dashboards, databaseName: databaseName,
                    reader: reader, sharedDatabase: sharedDatabase,
                    statePath: ImportState.path(directory: stateDir, slug: slug), dryRun: dryRun)
                let report = try DashboardImporter(client: client).run(request)
                if !report.isolated {
                    Terminal.note(
                        "rg-crm: warning: tenant \(slug)'s cards run on the shared database '\(report.databaseName)': they are NOT tenant-isolated"
                    )
                }
                if output.format == .text {
                    let changed = report.plan.changes.filter { $0.action != .unchanged }.count
                    let verb = dryRun ? "would change" : "changed"
                    Terminal.write(
                        changed == 0
                            ? "dashboards \(slug): unchanged\n"
                            : "dashboards \(slug): \(verb) \(changed) object(s) in '\(request.collectionLabel)'\n")
                    if changed > 0 || verbose { output.write(report.plan, verbose: verbose) }
                } else {
                    output.write(report.plan, verbose: verbose)
                }
                return report.plan
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a dashboard of the tenant's collection back in the repository format.",
            discussion: """
                Ids stripped, tabs and the database by name, keys sorted: an edit made in Metabase's UI can be
                reviewed and committed, and importing the file again changes nothing.

                Examples:
                  rg-crm dashboards export --tenant mrdj --dashboard "Revenue per Package"
                  rg-crm dashboards export --tenant mrdj --dashboard 42 --to ops/metabase/dashboards/crm/revenue_per_package.json
                """)

        @OptionGroup var metabase: MetabaseOptions

        @Option(help: "The dashboard's name in the tenant's collection, or its id.")
        var dashboard: String

        @Option(help: "The file to write (atomically); default standard output.")
        var to: String?

        @Option(
            help: "The tenant's Metabase database, written as \"rentguy-crm-{tenant}\"; default rentguy-crm-<slug>.")
        var databaseName: String?

        func run() throws {
            try reportingErrors {
                let slug = try metabase.tenant.slug()
                let text = try DashboardExporter(client: try metabase.client()).export(
                    tenantName: try metabase.name(), dashboard: dashboard,
                    tenantDatabase: databaseName ?? ImportRequest.defaultDatabaseName(slug))
                if let to {
                    try AtomicFile.write(Array(text.utf8), to: to)
                    Terminal.note("dashboards \(slug): wrote '\(dashboard)' to \(to)")
                } else {
                    Terminal.write(text)
                }
            }
        }
    }
}
