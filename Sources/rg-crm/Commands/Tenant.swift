import ArgumentParser
import Foundation
import ProvisionKit
import RGCore

struct Tenant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Onboard, see and offboard tenants: init, plan, apply, onboard, list, graph, report, remove.",
        subcommands: [
            Init.self, PlanCommand.self, Apply.self, Onboard.self, List.self, Graph.self, Report.self, Remove.self,
        ])

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
                Also drops the tenant's login users and removes its local secrets (.rg-crm/secrets/SLUG) and
                deploy/tenants/SLUG/; its Vault secrets only with --purge-secrets. Everything removed is named.
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

        @Flag(help: "Also delete the tenant's secrets in Vault (VAULT_ADDR); Vault may be shared, so only when asked.")
        var purgeSecrets = false

        @OptionGroup var provision: ProvisionOptions

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
                let offboard = try Offboarding.remove(
                    slug, connection: try provision.connection.connect(), settings: try provision.settings(),
                    purgeVault: purgeSecrets)
                let report = offboard.database
                let files = offboard.removedSecrets + offboard.removedFolders + offboard.removedRedis
                if !files.isEmpty {
                    Terminal.write(
                        "tenant \(slug): removed \(files.map { TerminalText.escaped($0) }.joined(separator: ", "))\n")
                }
                if !offboard.kept.isEmpty {
                    Terminal.note(
                        "note: kept \(offboard.kept.joined(separator: " and ")): the stored connection URL names another database"
                    )
                }
                if !report.existed && report.droppedRoles.isEmpty {
                    if files.isEmpty { Terminal.write("tenant \(slug): not present; nothing removed\n") }
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

    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what onboarding a tenant would change, resource by resource, from reads only.",
            discussion: """
                Resources in order: database (schema, seed, login users), secrets, deploy (deploy/tenants/SLUG/),
                templates, workflows, dashboards (skipped without METABASE_URL, with the reason) and smoke (read-only:
                always "= unchanged" here, run on every apply; a failing check fails it). Secret values show as
                (sensitive).
                --out saves the plan with fingerprints of what it observed; tenant apply --plan refuses it when
                anything has changed since.

                Examples:
                  rg-crm tenant plan --tenant mrdj
                  rg-crm tenant plan --tenant mrdj --out plan.json --detailed-exitcode
                """)

        @Option(help: "The tenant's slug.")
        var tenant: String

        @Option(help: "Save the plan (JSON, no secret values) for tenant apply --plan.")
        var out: String?

        @Flag(help: "List unchanged resources too.")
        var verbose = false

        @OptionGroup var output: PlanOptions
        @OptionGroup var provision: ProvisionOptions

        func validate() throws { try output.validate(dryRun: true) }

        func run() throws {
            try output.run {
                let saved = try Provisioner(settings: try provision.settings(), slug: try Slug(tenant)).plan()
                if let out { try AtomicFile.write(Array(saved.json.utf8), to: out) }
                output.write(saved.plan, verbose: verbose)
                return saved.plan
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Apply a tenant's plan: every resource, in order; a re-run after any failure finishes the job.",
            discussion: """
                Holds the tenant's lock (a lock file under .rg-crm/locks and a PostgreSQL advisory lock): a second
                apply of the same tenant waits up to --lock-timeout, then fails; other tenants apply in parallel.
                With --plan, refuses (exit 1, "plan is stale: …") when anything the plan observed has changed.

                Examples:
                  rg-crm tenant apply --tenant mrdj
                  rg-crm tenant plan --tenant mrdj --out plan.json && rg-crm tenant apply --tenant mrdj --plan plan.json
                """)

        @Option(help: "The tenant's slug.")
        var tenant: String

        @Option(help: "A plan saved by tenant plan --out: applied only if nothing it observed has changed.")
        var plan: String?

        @Flag(help: "List unchanged resources too.")
        var verbose = false

        @OptionGroup var provision: ProvisionOptions

        func run() throws {
            try reportingErrors {
                let slug = try Slug(tenant)
                let saved = try plan.map { try TenantPlan.load($0) }
                let report = try Provisioner(settings: try provision.settings(), slug: slug).apply(expecting: saved)
                Terminal.write(
                    PlanRenderer.text(report.plan, verbose: verbose, colour: Terminal.useColour()))
                if let failure = report.failure { throw failure }
            }
        }
    }

    struct Onboard: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "onboard",
            abstract: "Plan and apply a tenant (or every tenant) in one command, with progress and a closing table.",
            discussion: """
                Progress (step k of n, resource, elapsed) goes to standard error on a terminal only. With --all,
                every pack under --config-dir is onboarded, --jobs at a time; one tenant's failure does not stop
                the others, the summary names the failed ones, and the exit status is 1.

                Examples:
                  rg-crm tenant onboard --tenant mrdj
                  rg-crm tenant onboard --all --jobs 2
                """)

        @Option(help: "The tenant's slug.")
        var tenant: String?

        @Flag(help: "Every tenant under --config-dir.")
        var all = false

        @Option(help: "With --all: tenants onboarded at the same time.")
        var jobs: Int = 1

        @OptionGroup var provision: ProvisionOptions

        func validate() throws {
            if (tenant == nil) == !all { throw ValidationError("give exactly one of --tenant SLUG or --all") }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let settings = try provision.settings()
                let showProgress = isatty(STDERR_FILENO) == 1
                if let tenant {
                    let slug = try Slug(tenant)
                    let start = Date()
                    let report = try Provisioner(settings: settings, slug: slug).apply { event in
                        if showProgress, let line = ProvisionRendering.progress(slug.rawValue, event, since: start) {
                            Terminal.note(line)
                        }
                    }
                    Terminal.write(ProvisionRendering.table(report))
                    if let failure = report.failure { throw failure }
                    return
                }
                let results = OnboardAll.run(
                    try provision.allSlugs(), settings: settings, jobs: jobs, showProgress: showProgress)
                Terminal.write(ProvisionRendering.summary(results))
                let failed = results.filter { $0.error != nil }.map(\.slug)
                if !failed.isEmpty {
                    throw CommandFailure(
                        "\(failed.count) of \(results.count) tenant(s) failed: \(failed.joined(separator: ", "))",
                        category: .failed)
                }
            }
        }
    }
}
