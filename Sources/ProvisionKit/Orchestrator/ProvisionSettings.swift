import DashboardKit
import Foundation
import RGCore

/// Everything a plan or an apply of a tenant needs to know besides the tenant itself. Sendable: `--all` gives
/// one copy to each tenant's job.
public struct ProvisionSettings: Sendable {
    /// libpq connection string or URL of an account that may migrate, seed and create roles; nil: libpq's defaults.
    public var databaseURL: String?
    public var rolePrefix: String = TenantRoles.defaultPrefix
    public var configDirectory: String = ConfigPack.defaultConfigDirectory
    public var seedDirectory: String = SeedPlan.defaultSeedDirectory
    public var migrationDirectory: String = "db/migrations"
    /// Local state: secrets (`secrets/<slug>/`), locks (`locks/`), progress (`state/<slug>.json`).
    public var stateDirectory: String = ".rg-crm"
    /// Where the template and workflow library is (`automation/templates`, `automation/workflows` under it).
    public var libraryRoot: String = "."
    /// Where each tenant's templates are cloned: `<root>/<slug>/automation`; nil: the config folder's, like
    /// `templates clone`.
    public var automationRoot: String?
    /// Vault KV v2 when set; else the local store under `stateDirectory`.
    public var vault: VaultSettings?
    /// The shared Redis of the automation queues; nil: the `redis` resource is skipped.
    public var redis: RedisSettings?
    /// Where each tenant's Kubernetes artefacts are rendered: `<deployRoot>/<slug>/`.
    public var deployRoot: String = DeployRenderer.defaultDirectory
    /// The rentguy-crm chart's values template the artefacts are rendered from.
    public var deployTemplate: String = DeployTemplate.defaultPath
    /// Metabase when set (`METABASE_URL`): the dashboards are imported; else that step is skipped with the reason.
    public var metabase: MetabaseSettings?
    /// Seconds an apply waits for another apply of the same tenant before it gives up.
    public var lockTimeoutSeconds: Int = 60
    /// Session defaults of the login users (ALTER ROLE … SET): they bound what one session can hold.
    public var loginLimits = LoginLimits()
    /// Test only: stop (as a crash would) after this many steps. See `TestHooks`.
    public var abortAfterStep: Int?

    public init() {}

    public func automationFolder(_ slug: Slug) -> String {
        if let automationRoot { return "\(automationRoot)/\(slug)/automation" }
        return (configDirectory as NSString).appendingPathComponent(slug.rawValue) + "/automation"
    }

    public func deployFolder(_ slug: Slug) -> String { "\(deployRoot)/\(slug)" }
    public func secretsFolder(_ slug: Slug) -> String { "\(stateDirectory)/secrets/\(slug)" }
    public var locksFolder: String { "\(stateDirectory)/locks" }
    public func progressFile(_ slug: Slug) -> String { "\(stateDirectory)/state/\(slug).json" }
}

/// The session defaults every login user gets, so that a tenant's connection cannot hold a lock for ever: a
/// statement is cut off, waiting for a lock gives up, and a transaction left idle (BEGIN; LOCK TABLE …; then
/// nothing) is ended by the server. Values are PostgreSQL durations.
public struct LoginLimits: Sendable, Equatable {
    public var statementTimeout = "60s"
    public var lockTimeout = "5s"
    public var idleInTransactionSessionTimeout = "60s"

    public init() {}

    /// As `pg_db_role_setting.setconfig` lists them, in this order.
    public var settings: [(name: String, value: String)] {
        [
            ("statement_timeout", statementTimeout), ("lock_timeout", lockTimeout),
            ("idle_in_transaction_session_timeout", idleInTransactionSessionTimeout),
        ]
    }
}

/// Metabase, as `rg-crm dashboards import` reaches it: the URL, the credentials, the dashboards to import, and
/// the reader connection Metabase registers for the tenant when its database is missing (default: the tenant's
/// stored reader URL, when it names a host).
public struct MetabaseSettings: Sendable {
    public var url: String
    public var credentials: MetabaseCredentials
    public var timeoutSeconds: Int = 30
    public var dashboardsDirectory: String = DashboardFormat.defaultDirectory
    /// `<stateDirectory>/<slug>/metabase.json`, as `dashboards import --state-dir`.
    public var stateDirectory: String = ImportState.defaultDirectory
    public var readerURL: String?

    public init(url: String, credentials: MetabaseCredentials) {
        self.url = url
        self.credentials = credentials
    }
}

/// Vault KV v2: where, with which token, under which mount.
public struct VaultSettings: Sendable {
    public var address: String
    public var token: String
    public var mount: String

    public init(address: String, token: String, mount: String = "secret") {
        self.address = address
        self.token = token
        self.mount = mount
    }
}

/// The test-only abort switch, read from the environment by the command: `RG_CRM_TEST_ABORT_AFTER_STEP=k` stops a
/// run after its k-th step as a crash would, and only when `RG_CRM_TEST_HOOKS=1` is set too, so that a stray
/// variable in a real environment does nothing.
public enum TestHooks {
    public static func abortAfterStep(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard environment["RG_CRM_TEST_HOOKS"] == "1" else { return nil }
        return environment["RG_CRM_TEST_ABORT_AFTER_STEP"].flatMap { Int($0) }
    }
}
