import ArgumentParser
import Foundation
import MigrationKit
import Postgres
import ProvisionKit
import RGCore
import WorkflowLint

/// Options of every command that works on one tenant's config pack.
struct TenantOptions: ParsableArguments {
    @Option(help: "The tenant's slug (^[a-z][a-z0-9_]{1,30}$), its folder under --config-dir.")
    var tenant: String

    @Option(help: "Folder holding one config pack per tenant.")
    var configDir: String = ConfigPack.defaultConfigDirectory

    /// The validated slug; checked before any file or server is touched.
    func slug() throws -> Slug { try Slug(tenant) }

    func load(workflows: Set<String>? = nil) throws -> ConfigPack {
        try ConfigPack.load(slug: try slug(), configDirectory: configDir, workflows: workflows)
    }

    /// Where a tenant's automation (templates and workflows) is cloned to by default.
    var defaultAutomationFolder: String { (configDir as NSString).appendingPathComponent(tenant) + "/automation" }
}

/// `--format text|json|sarif|github` of every checker.
extension OutputFormat: ExpressibleByArgument {}

/// `--tenant`, `--templates` and `--config-dir` of the workflow commands (lint, upgrade): the tenant is optional.
struct WorkflowTenantOptions: ParsableArguments {
    @Option(help: "Also check stages, webhooks and templates against this tenant's config pack.")
    var tenant: String?

    @Option(help: "The template library checked with --tenant.")
    var templates: String = TemplateLibrary.defaultDirectory

    @Option(name: .customLong("config-dir"), help: "Folder holding one config pack per tenant.")
    var configDirectory: String = ConfigPack.defaultConfigDirectory

    func validate() throws {
        if let tenant {
            do { _ = try Slug(tenant) } catch { throw ValidationError(error.description) }
        }
    }

    /// The tenant's stages, templates and webhooks, or nil without --tenant; a bad pack is a `LintSetupError`.
    func context() throws -> TenantContext? {
        try tenant.map {
            try TenantContext.load(slug: $0, configDirectory: configDirectory, templateDirectory: templates)
        }
    }
}

/// How to reach PostgreSQL; shared by every command that talks to it.
struct ConnectionOptions: ParsableArguments {
    @Option(
        help:
            "PostgreSQL URL or connection string; default $DATABASE_URL, then libpq's defaults (PGHOST, PGPORT, PGUSER, .pgpass, the unix socket)."
    )
    var databaseURL: String?

    func connect() throws -> Connection {
        try Connection(conninfo: databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"])
    }
}

/// Options of the migration subcommands.
struct DatabaseOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Folder of NNNN_name.up.sql / .down.sql files.")
    var migrations: String = MigrationSource.defaultDirectory

    @Option(help: "Seconds to wait for another migration run's lock.")
    var lockTimeout: Int = 60

    func validate() throws {
        guard lockTimeout > 0 else { throw ValidationError("--lock-timeout must be a positive number of seconds") }
    }

    func migrator() throws -> Migrator {
        let migrations = try MigrationSource.load(directory: migrations)
        return Migrator(connection: try connection.connect(), migrations: migrations, lockTimeoutSeconds: lockTimeout)
    }
}

/// The role prefix; tests and shared clusters set their own.
struct RoleOptions: ParsableArguments {
    @Option(
        help:
            "Prefix of the tenant roles (<prefix>_<slug>_app, <prefix>_<slug>_reader): lowercase letters and digits, no underscore; default $RG_CRM_ROLE_PREFIX, then rg."
    )
    var rolePrefix: String?

    /// An empty RG_CRM_ROLE_PREFIX counts as unset, as an empty PGHOST does for libpq.
    var prefix: String {
        rolePrefix ?? ProcessInfo.processInfo.environment["RG_CRM_ROLE_PREFIX"].flatMap { $0.isEmpty ? nil : $0 }
            ?? TenantRoles.defaultPrefix
    }

    func validate() throws {
        guard TenantRoles.isValidPrefix(prefix) else {
            throw ValidationError(
                "role prefix '\(prefix)' must be \(TenantRoles.prefixRule), so that no two tenants' role names can collide"
            )
        }
    }
}

/// `--workflows`: the workflow library a config pack's automation must name workflows of.
struct WorkflowLibraryOptions: ParsableArguments {
    @Option(
        help:
            "The workflow library that automation entries and stages must name workflows of (default automation/workflows)."
    )
    var workflows: String?

    /// The library's workflow ids. A folder named with --workflows must exist; the default one too when `required`,
    /// else its absence is said on standard error and the references go unchecked (nil).
    func ids(required: Bool) throws -> Set<String>? {
        if let workflows { return try WorkflowCatalog.ids(in: workflows) }
        var isFolder: ObjCBool = false
        if !required, !FileManager.default.fileExists(atPath: WorkflowLinter.defaultDirectory, isDirectory: &isFolder) {
            Terminal.note(
                "note: workflow references not checked: no workflow library at \(WorkflowLinter.defaultDirectory) (pass --workflows DIR)"
            )
            return nil
        }
        return try WorkflowCatalog.ids(in: WorkflowLinter.defaultDirectory)
    }
}
