import ArgumentParser
import DashboardKit
import Foundation
import ProvisionKit
import RGCore

/// Options of `tenant plan`, `apply`, `onboard` and `remove`: where the packs, seeds, migrations, local state and
/// secrets are, and how to reach PostgreSQL and Vault.
struct ProvisionOptions: ParsableArguments {
    @Option(help: "Folder holding one config pack per tenant.")
    var configDir: String = ConfigPack.defaultConfigDirectory

    @Option(help: "Local state: secrets/<slug>/ (without Vault), locks/, state/<slug>.json.")
    var stateDir: String = ".rg-crm"

    @Option(help: "Clone each tenant's templates into <root>/<slug>/automation (default: the tenant's config folder).")
    var automationRoot: String?

    @Option(help: "Folder of the base and vertical seeds.")
    var seeds: String = SeedPlan.defaultSeedDirectory

    @Option(help: "Folder of NNNN_name.up.sql / .down.sql files.")
    var migrations: String = "db/migrations"

    @Option(help: "Vault KV v2 mount, used when VAULT_ADDR is set (token from VAULT_TOKEN or VAULT_TOKEN_FILE).")
    var vaultMount: String = "secret"

    @Option(help: "Folder holding one folder of Kubernetes artefacts per tenant (<root>/<slug>/).")
    var deployRoot: String = DeployRenderer.defaultDirectory

    @Option(help: "The rentguy-crm chart's values template the artefacts are rendered from.")
    var deployTemplate: String = DeployTemplate.defaultPath

    @Option(
        help:
            "Metabase's base URL; default $METABASE_URL. Unset: the dashboards step is skipped. Credentials as for dashboards import."
    )
    var metabaseURL: String?

    @Option(
        help:
            "The shared Redis of the automation queues (redis://host:port); default $REDIS_URL, the admin's password from $REDIS_PASSWORD_FILE. Unset: the redis step is skipped."
    )
    var redisURL: String?

    @Option(help: "Seconds to wait for another apply of the same tenant, and for database locks.")
    var lockTimeout: Int = 60

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var roles: RoleOptions

    func validate() throws {
        guard lockTimeout > 0 else { throw ValidationError("--lock-timeout must be a positive number of seconds") }
        // The mount goes into Vault URLs' paths: path segments of letters, digits, '_', '-', '.', never '..'.
        let segments = vaultMount.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard !segments.isEmpty,
            segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.allSatisfy(allowed.contains) })
        else {
            throw ValidationError(
                "--vault-mount '\(vaultMount)' must be path segments of letters, digits, '_', '-' and '.' separated by '/'"
            )
        }
    }

    /// The settings of a run; Vault when VAULT_ADDR is set, refused without a token. The test-only abort switch
    /// is read here (see `TestHooks`).
    func settings() throws -> ProvisionSettings {
        var settings = ProvisionSettings()
        let environment = ProcessInfo.processInfo.environment
        settings.databaseURL = connection.databaseURL ?? environment["DATABASE_URL"]
        settings.rolePrefix = roles.prefix
        settings.configDirectory = configDir
        settings.stateDirectory = stateDir
        settings.automationRoot = automationRoot
        settings.seedDirectory = seeds
        settings.migrationDirectory = migrations
        settings.lockTimeoutSeconds = lockTimeout
        settings.abortAfterStep = TestHooks.abortAfterStep(environment)
        if let address = environment["VAULT_ADDR"], !address.isEmpty {
            settings.vault = VaultSettings(address: address, token: try vaultToken(environment), mount: vaultMount)
        }
        if let url = redisURL ?? environment["REDIS_URL"], !url.isEmpty {
            var password: String?
            if let file = environment["REDIS_PASSWORD_FILE"], !file.isEmpty {
                let bytes = try BoundedFile.read(file, limit: 64 << 10)
                password = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            settings.redis = RedisSettings(url: url, password: password)
        }
        settings.deployRoot = deployRoot
        settings.deployTemplate = deployTemplate
        if let url = metabaseURL ?? environment["METABASE_URL"], !url.isEmpty {
            var metabase = MetabaseSettings(url: url, credentials: try metabaseCredentials(environment))
            if let reader = environment["METABASE_READER_URL"], !reader.isEmpty { metabase.readerURL = reader }
            settings.metabase = metabase
        }
        return settings
    }

    /// As `dashboards import`: METABASE_API_KEY, or METABASE_USER and METABASE_PASSWORD (environment only).
    private func metabaseCredentials(_ environment: [String: String]) throws -> MetabaseCredentials {
        if let key = environment["METABASE_API_KEY"], !key.isEmpty { return .apiKey(key) }
        if let user = environment["METABASE_USER"], !user.isEmpty, let password = environment["METABASE_PASSWORD"] {
            return .password(user: user, password: password)
        }
        throw CommandFailure(
            "METABASE_URL is set but no Metabase credentials are: set METABASE_API_KEY, or METABASE_USER and METABASE_PASSWORD (or unset METABASE_URL to skip the dashboards)",
            category: .usage)
    }

    private func vaultToken(_ environment: [String: String]) throws -> String {
        if let token = environment["VAULT_TOKEN"], !token.isEmpty { return token }
        if let file = environment["VAULT_TOKEN_FILE"], !file.isEmpty {
            let bytes = try BoundedFile.read(file, limit: 64 << 10)
            let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        throw CommandFailure(
            "VAULT_ADDR is set but no token is: set VAULT_TOKEN or VAULT_TOKEN_FILE (or unset VAULT_ADDR for the local store)",
            category: .usage)
    }

    /// The slugs of every pack under --config-dir (folders holding a tenant.json), sorted.
    func allSlugs() throws -> [Slug] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: configDir)) ?? []
        let slugs = entries.sorted().filter { FileManager.default.fileExists(atPath: "\(configDir)/\($0)/tenant.json") }
        guard !slugs.isEmpty else {
            throw CommandFailure("no tenant packs under \(configDir) (folders with a tenant.json)", category: .usage)
        }
        return try slugs.map { try Slug($0) }
    }
}
