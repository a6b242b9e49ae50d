import Foundation
import Postgres
import RGCore

/// The database roles of a tenant, as the seeder names them. Given by the caller (the executable computes them
/// with the seeder's own naming), so that SmokeKit does not depend on the seeder.
public struct TenantRoleNames: Sendable, Equatable {
    public var app: String
    public var reader: String
    public var appGroup: String
    public var readerGroup: String

    public init(app: String, reader: String, appGroup: String, readerGroup: String) {
        self.app = app
        self.reader = reader
        self.appGroup = appGroup
        self.readerGroup = readerGroup
    }
}

/// What `db seed --dry-run` would do for the tenant, computed on the connection given (outside any transaction;
/// the probe rolls its own back). Injected: the seeder lives in another module.
public typealias SeedDryRun = @Sendable (_ connection: Connection, _ pack: ConfigPack) throws -> Plan

/// The dashboards group's view of Metabase (`MetabaseProbe` reads a real one, through DashboardKit).
public protocol DashboardProbe: Sendable {
    /// The tenant's collection `CRM / <name>` and its three dashboards exist.
    func collection(tenant: Slug, name: String) throws -> CheckOutcome
    /// Every card's query runs without an error, on the tenant's own database connection.
    func cards(tenant: Slug, name: String) throws -> CheckOutcome
}

/// How the dashboards group runs: against a probe, or skipped with the reason (`METABASE_URL not set`).
public enum DashboardSource: Sendable {
    case probe(any DashboardProbe)
    case unavailable(reason: String)
}

/// The tenant's own Redis user: where, who, and its stored password (never the admin's).
public struct RedisAccess: Sendable {
    public var url: String
    public var password: String

    /// `url` names the user (`redis://user@host:port`); the password travels apart.
    public init(url: String, password: String) {
        self.url = url
        self.password = password
    }
}

/// Everything the checks of one tenant read: where its files are, how to reach its database, and the probes.
public struct SmokeContext: Sendable {
    public var slug: Slug
    /// `configs/tenants`: the tenant's pack is `<configDirectory>/<slug>/`.
    public var configDirectory: String
    /// The tenant's cloned automation (`templates/`, `workflows/`): the clone's default target.
    public var automationDirectory: String
    /// Where `automation/templates` and `automation/workflows` (the library cloned from) are.
    public var libraryRoot: String
    public var migrationsDirectory: String
    /// A libpq URL or connection string; nil: libpq's defaults.
    public var databaseURL: String?
    public var roles: TenantRoleNames
    public var seedDryRun: SeedDryRun?
    public var dashboards: DashboardSource
    /// The server stops any one statement of a check after this long.
    public var statementTimeout: Duration
    /// The pipelines the tenant has once seeded (its verticals' defaults with its crm.json on top), for the
    /// workflow checks; nil: the pack's own. Injected: the seed plan lives in another module.
    public var effectivePipelines: (@Sendable (ConfigPack) throws -> [PipelineConfig])?
    /// The tenant's Redis user; nil skips the `redis` group with `redisUnavailable` as the reason.
    public var redis: RedisAccess?
    public var redisUnavailable: String?

    public init(
        slug: Slug, configDirectory: String, automationDirectory: String, libraryRoot: String = ".",
        migrationsDirectory: String, databaseURL: String?, roles: TenantRoleNames, seedDryRun: SeedDryRun?,
        dashboards: DashboardSource, statementTimeout: Duration = .seconds(10)
    ) {
        self.slug = slug
        self.configDirectory = configDirectory
        self.automationDirectory = automationDirectory
        self.libraryRoot = libraryRoot
        self.migrationsDirectory = migrationsDirectory
        self.databaseURL = databaseURL
        self.roles = roles
        self.seedDryRun = seedDryRun
        self.dashboards = dashboards
        self.statementTimeout = statementTimeout
    }

    /// `rg-crm … --tenant mrdj`, for the commands a failure says to run.
    var tenantFlag: String { "--tenant \(slug.rawValue)" }
    var packDirectory: String { (configDirectory as NSString).appendingPathComponent(slug.rawValue) }
    var templatesDirectory: String { (automationDirectory as NSString).appendingPathComponent("templates") }
    var workflowsDirectory: String { (automationDirectory as NSString).appendingPathComponent("workflows") }

    /// The pipelines the workflow checks hold the tenant's workflows against.
    func pipelines(_ pack: ConfigPack) throws -> [PipelineConfig] {
        try effectivePipelines?(pack) ?? pack.crm.pipelines
    }
}
