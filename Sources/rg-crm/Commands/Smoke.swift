import ArgumentParser
import Foundation
import MigrationKit
import Postgres
import ProvisionKit
import RGCore
import SmokeKit

/// `--format text|json|junit|tap` of smoke.
extension CheckFormat: ExpressibleByArgument {}
extension SmokeGroup: ExpressibleByArgument {}

struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract:
            "Check that an onboarded tenant works: config, database, isolation, templates, workflows, dashboards.",
        discussion: """
            Every check reads, or runs in a transaction that is rolled back: smoke changes nothing, in production \
            too. Checks run concurrently (--concurrency), each within --timeout. --retry-timeout re-runs the checks \
            that did not pass, --sleep apart, until they pass or the time is up (a tenant still coming up). The text \
            report ends with the QA checklist's manual points (docs/qa/tenant_rollout.md) as UAT's to-do list.

            Groups: config, db, isolation, templates, workflows, dashboards (with METABASE_URL and METABASE_API_KEY, \
            or METABASE_USER and METABASE_PASSWORD, as for dashboards import: read-only, it runs each card's query; \
            skipped when METABASE_URL is not set).

            Examples:
              rg-crm smoke --tenant mrdj
              rg-crm smoke --tenant mrdj --only db --only isolation
              rg-crm smoke --tenant mrdj --format junit --output smoke.xml
              rg-crm smoke --tenant mrdj --retry-timeout 60s --sleep 2s

            Exit codes: 0 every check passed (skips allowed), 1 a check failed or could not decide, 2 smoke could \
            not run (bad flags, unknown tenant, no config pack), 3 an internal error.
            """)

    @OptionGroup var tenant: TenantOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var roles: RoleOptions

    @Option(
        name: .customLong("only"),
        help: ArgumentHelp("Run only this group (repeatable).", valueName: "group"))
    var groups: [SmokeGroup] = []

    @Option(help: "Report format: text, json, junit or tap.")
    var format: CheckFormat = .text

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(help: "The tenant's cloned automation (default: configs/tenants/SLUG/automation).")
    var automation: String?

    @Option(help: "Folder of NNNN_name.up.sql / .down.sql files.")
    var migrations: String = MigrationSource.defaultDirectory

    @Option(help: "Folder of the base and vertical seeds.")
    var seeds: String = SeedPlan.defaultSeedDirectory

    @Option(
        help:
            "The tenant's Metabase database every card must run on (as dashboards import --database-name); default rentguy-crm-SLUG."
    )
    var metabaseDatabase: String?

    @Option(help: "The shared Redis (redis://host:port) for the redis group; default $REDIS_URL. Unset: skipped.")
    var redisURL: String?

    @Option(help: "rg-crm's local state, where the tenant's Redis password is stored (secrets/SLUG/).")
    var stateDir: String = ".rg-crm"

    @Option(help: "The QA checklist whose manual points end the report.")
    var checklist: String = RolloutChecklist.defaultPath

    @Option(help: "Re-run failing checks until they pass or this much time has passed (60s, 2m; default 0s).")
    var retryTimeout: String = "0s"

    @Option(help: "Time between re-runs with --retry-timeout (default 1s).")
    var sleep: String = "1s"

    @Option(help: "Time each check may take (default 30s).")
    var timeout: String = "30s"

    @Option(help: "Checks run at the same time (1 to 32).")
    var concurrency: Int = 4

    func validate() throws {
        for (flag, value) in [("--retry-timeout", retryTimeout), ("--sleep", sleep), ("--timeout", timeout)] {
            guard SmokeDuration.parse(value) != nil else {
                throw ValidationError("\(flag) '\(value)' is not a duration (like 500ms, 2s, 1m)")
            }
        }
        guard SmokeDuration.parse(timeout)! > .zero else { throw ValidationError("--timeout must be more than 0s") }
        guard (1...32).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 32") }
        do { _ = try tenant.slug() } catch { throw ValidationError(String(describing: error)) }
    }

    func run() async throws {
        let (context, manual) = try reportingErrors { try prepare() }
        let runner = SmokeRunner(
            concurrency: concurrency, timeout: SmokeDuration.parse(timeout)!,
            retryTimeout: SmokeDuration.parse(retryTimeout)!, sleep: SmokeDuration.parse(sleep)!)
        let results = await SmokeSuite.run(context, groups: Set(groups), runner: runner)
        let report = format.formatter.render(
            results,
            context: CheckReportContext(
                name: "rg-crm smoke \(context.slug)",
                colour: format == .text && output == nil && Terminal.useColour(), subject: "smoke \(context.slug)",
                manual: manual))
        let summary = CheckSummary(results)
        try reportingErrors {
            if let output {
                try AtomicFile.write(Array(report.utf8), to: output)
                Terminal.note(
                    "smoke \(context.slug): \(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped, \(summary.errors) error(s); report in \(output)"
                )
            } else {
                Terminal.write(report)
            }
        }
        try finish(summary.succeeded ? .success : .failed)
    }

    /// Where the redis group finds the shared Redis and the tenant's stored password (the local store).
    private func redisSettings() -> ProvisionSettings {
        var settings = ProvisionSettings()
        settings.stateDirectory = stateDir
        settings.rolePrefix = roles.prefix
        if let url = redisURL ?? ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty {
            settings.redis = RedisSettings(url: url, password: nil)
        }
        return settings
    }

    /// Everything checked before any check runs: the tenant's pack folder, the checklist, the database URL's form.
    private func prepare() throws -> (SmokeContext, [CheckReportContext.ManualItem]) {
        let slug = try tenant.slug()
        let packDirectory = (tenant.configDir as NSString).appendingPathComponent(slug.rawValue)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: packDirectory, isDirectory: &isFolder), isFolder.boolValue else {
            throw SmokeError(
                "unknown tenant '\(slug)': no config pack at \(packDirectory) (pass --config-dir, or create the pack first)"
            )
        }
        let manual = try RolloutChecklist.load(checklist).manualItems
        let url = connection.databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"]
        // A malformed URL is bad input (exit 2); a server that does not answer is db.server's finding.
        do { _ = try Connection(conninfo: url) } catch  where error.kind == .invalidURL { throw error } catch {}
        let context = TenantSmoke.context(
            slug: slug, configDirectory: tenant.configDir,
            automationDirectory: automation ?? tenant.defaultAutomationFolder,
            migrationsDirectory: migrations, seedDirectory: seeds, databaseURL: url, rolePrefix: roles.prefix,
            dashboards: .metabase(environment: ProcessInfo.processInfo.environment, databaseName: metabaseDatabase),
            redis: TenantSmoke.redisAccess(redisSettings(), slug: slug), statementTimeout: SmokeDuration.parse(timeout)!
        )
        return (context, manual)
    }
}
