import Foundation
import MigrationKit
import Postgres
import RGCore

/// `database`: the schema at the latest migration, the tenant seeded (today's `db seed`), and its two login users
/// with stored passwords. Steps: `schema`, `seed`, `login app`, `login reader`.
public struct DatabaseResource: ProvisionedResource {
    public var name: String { "database" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let connection = try context.connection()
        let migrations = try migrator(context)
        let schema: Plan
        do { schema = try migrations.migrate(dryRun: true).plan } catch { throw .underlying(error) }
        let schemaPending = schema.hasChanges
        // A migration's SQL is `db migrate --dry-run`'s to show; here one line per migration.
        var steps = [
            ResourceStep("schema", schema.changes.map { Change($0.action, $0.kind, $0.identity, detail: $0.detail) })
        ]
        var fingerprint = schema.changes.map { "\($0.action.rawValue) \($0.identity)" }
        if schemaPending {
            // The seed runs on the schema the migrations make: until then what it will do cannot be read.
            steps.append(
                ResourceStep(
                    "seed",
                    [Change(.create, "tenant", context.slug.rawValue, detail: "seeded once the schema is migrated")]
                ))
        } else {
            let seeder = try seeder(context, connection)
            let report: SeedReport
            do { report = try seeder.seed(dryRun: true) } catch { throw .underlying(error) }
            steps.append(ResourceStep("seed", report.changes))
            fingerprint.append(try tenantRowsDigest(context, connection))
        }
        let tenantID = schemaPending ? nil : try tenantID(context, connection)
        for access in TenantRoles.Access.allCases {
            let (step, facts) = try observeLogin(access, tenantID: tenantID, context, connection)
            steps.append(step)
            fingerprint.append(facts)
        }
        return Observation(steps: steps, fingerprint: Digest.sha256Hex(fingerprint.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        let connection = try context.connection()
        switch step.id {
        case "schema":
            let migrator = try migrator(context)
            do {
                return try migrator.migrate().plan.changes.map {
                    Change($0.action, $0.kind, $0.identity, detail: $0.detail)
                }
            } catch { throw .underlying(error) }
        case "seed":
            let seeder = try seeder(context, connection)
            do { return try seeder.seed().changes } catch { throw .underlying(error) }
        default:
            let access: TenantRoles.Access = step.id == "login app" ? .app : .reader
            return try applyLogin(access, context, connection)
        }
    }

    // MARK: - Schema and seed

    private func migrator(_ context: ProvisionContext) throws(ProvisionError) -> Migrator {
        do {
            let migrations = try MigrationSource.load(directory: context.settings.migrationDirectory)
            return Migrator(
                connection: try context.connection(), migrations: migrations,
                lockTimeoutSeconds: context.settings.lockTimeoutSeconds)
        } catch let error as ProvisionError {
            throw error
        } catch { throw ProvisionError.wrap(error) }
    }

    private func seeder(_ context: ProvisionContext, _ connection: Connection) throws(ProvisionError) -> TenantSeeder {
        let plan: SeedPlan
        do { plan = try SeedPlan.build(pack: context.pack, seedDirectory: context.settings.seedDirectory) } catch {
            throw .underlying(error)
        }
        return TenantSeeder(
            connection: connection, plan: plan, rolePrefix: context.settings.rolePrefix,
            lockTimeoutSeconds: context.settings.lockTimeoutSeconds)
    }

    /// The tenant's seeded rows as they are, so that a saved plan notices an edit the seed would undo.
    private func tenantRowsDigest(_ context: ProvisionContext, _ connection: Connection) throws(ProvisionError)
        -> String
    {
        let sql = """
            SELECT md5(concat_ws('|',
                (SELECT row_to_json(t)::text FROM crm.crm_tenants t WHERE t.id = x.id),
                (SELECT json_agg(p ORDER BY p.key)::text FROM crm.crm_pipelines p WHERE p.tenant_id = x.id),
                (SELECT json_agg(s ORDER BY s.pipeline_id, s.key)::text FROM crm.crm_stages s WHERE s.tenant_id = x.id),
                (SELECT row_to_json(c)::text FROM crm.crm_tenant_settings c WHERE c.tenant_id = x.id),
                (SELECT json_agg(r ORDER BY r.role_name)::text FROM crm.crm_tenant_roles r WHERE r.tenant_id = x.id)))
              FROM (SELECT id FROM crm.crm_tenants WHERE slug = $1) x
            """
        do { return try connection.query(sql, [context.slug.rawValue]).scalar ?? "no tenant" } catch {
            throw .underlying(error)
        }
    }

    private func tenantID(_ context: ProvisionContext, _ connection: Connection) throws(ProvisionError) -> String? {
        do {
            return try connection.query("SELECT id::text FROM crm.crm_tenants WHERE slug = $1", [context.slug.rawValue])
                .scalar
        } catch { throw .underlying(error) }
    }

    // MARK: - Login users

    /// What a login user needs, from reads (and a login attempt with the stored password), and the facts a saved
    /// plan is checked against.
    private func observeLogin(
        _ access: TenantRoles.Access, tenantID: String?, _ context: ProvisionContext, _ connection: Connection
    ) throws(ProvisionError) -> (ResourceStep, String) {
        let users = LoginUsers(prefix: context.settings.rolePrefix, slug: context.slug)
        let roles = TenantRoles(prefix: context.settings.rolePrefix, slug: context.slug)
        let login = users.login(access)
        let state: LoginUsers.State
        let database: String
        do {
            state = try users.state(access, roles: roles, connection)
            database = try connection.query("SELECT current_database()::text").scalar ?? ""
        } catch { throw .underlying(error) }
        let stored = try context.secrets.read(TenantSecrets.password(access))
        let wanted = context.settings.loginLimits.settings.map { "\($0.name)=\($0.value)" }
        var fixes: [String] = []
        if state.exists {
            if let tenantID, state.comment != LoginUsers.marker(database: database, tenantID: tenantID, access: access)
            {
                throw .login(notProven(login, state.comment, database: database))
            }
            if state.privileged {
                throw .login(
                    "role \(login) has privileges a tenant login must not have; nothing was changed (remove them or drop the role)"
                )
            }
            if !state.isMember { fixes.append("member of \(roles.role(access))") }
            if state.settings != wanted { fixes.append("session limits " + wanted.joined(separator: ", ")) }
            if let stored {
                if !LoginUsers.works(connection.endpoint, user: login, password: stored.value) {
                    fixes.append("password (sensitive) set from the secret store")
                }
            } else {
                fixes.append("new password (sensitive), stored first")
            }
        }
        let facts = "\(login) exists=\(state.exists) member=\(state.isMember) settings=\(state.settings) fixes=\(fixes)"
        let change: Change
        if !state.exists {
            change = Change(
                .create, "login", login,
                detail:
                    "password (sensitive) stored first, member of \(roles.role(access)), session limits \(wanted.joined(separator: ", "))"
            )
        } else if fixes.isEmpty {
            change = Change(.unchanged, "login", login)
        } else {
            change = Change(.update, "login", login, detail: fixes.joined(separator: ", "))
        }
        return (ResourceStep("login \(access.rawValue)", [change]), facts)
    }

    /// Stores the password first (an existing one wins), then creates or fixes the role in one transaction: a
    /// crash in between leaves a stored password that the next run gives the role, never a role whose password
    /// is nowhere.
    private func applyLogin(_ access: TenantRoles.Access, _ context: ProvisionContext, _ connection: Connection)
        throws(ProvisionError) -> [Change]
    {
        let users = LoginUsers(prefix: context.settings.rolePrefix, slug: context.slug)
        let roles = TenantRoles(prefix: context.settings.rolePrefix, slug: context.slug)
        let login = users.login(access)
        let password: String
        if let stored = try context.secrets.read(TenantSecrets.password(access)) {
            password = stored.value
        } else {
            password = try context.secrets.create(TenantSecrets.password(access), value: PasswordGenerator.generate())
                .stored
            try context.stepDone()
        }
        let wrap: (PostgresError) -> ProvisionError = { .underlying($0) }
        let change = try connection.transaction(wrap: wrap) { () throws(ProvisionError) -> Change in
            try run(connection, "SET LOCAL lock_timeout = '\(max(1, context.settings.lockTimeoutSeconds))s'")
            // Logins of one cluster are shared by its databases: the same lock as the tenant roles' step.
            try run(
                connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                ["rg-crm:seed:group-roles:\(roles.groupApp)"])
            guard let tenantID = try tenantID(context, connection) else {
                throw .login("tenant \(context.slug) is not seeded; its login \(login) comes after the seed")
            }
            let database = try run(connection, "SELECT current_database()::text").scalar ?? ""
            let marker = LoginUsers.marker(database: database, tenantID: tenantID, access: access)
            let state: LoginUsers.State
            do throws(PostgresError) { state = try users.state(access, roles: roles, connection) } catch {
                throw .underlying(error)
            }
            let quotedLogin = try quote(connection, login)
            let verifier: String
            do throws(PostgresError) { verifier = try connection.encryptedPassword(password, user: login) } catch {
                throw .underlying(error)
            }
            // A SCRAM verifier is base64 and `$:`; it goes in as a literal (no parameter in CREATE ROLE).
            guard !verifier.contains("'"), !verifier.contains("\\") else {
                throw .login("libpq returned an unexpected password verifier for \(login)")
            }
            var fixes: [String] = []
            if !state.exists {
                try run(connection, "CREATE ROLE \(quotedLogin) LOGIN INHERIT PASSWORD '\(verifier)'")
                try run(connection, "COMMENT ON ROLE \(quotedLogin) IS \(literal(marker))")
            } else {
                guard state.comment == marker else {
                    throw .login(notProven(login, state.comment, database: database))
                }
                if !LoginUsers.works(connection.endpoint, user: login, password: password) {
                    try run(connection, "ALTER ROLE \(quotedLogin) PASSWORD '\(verifier)'")
                    fixes.append("password (sensitive) set from the secret store")
                }
            }
            if !state.isMember {
                try run(connection, "GRANT \(try quote(connection, roles.role(access))) TO \(quotedLogin)")
                if state.exists { fixes.append("member of \(roles.role(access))") }
            }
            let wanted = context.settings.loginLimits.settings
            if state.settings != wanted.map({ "\($0.name)=\($0.value)" }) {
                try run(connection, "ALTER ROLE \(quotedLogin) RESET ALL")
                for setting in wanted {
                    try run(connection, "ALTER ROLE \(quotedLogin) SET \(setting.name) = \(literal(setting.value))")
                }
                if state.exists { fixes.append("session limits") }
            }
            if !state.exists { return Change(.create, "login", login) }
            return Change(
                fixes.isEmpty ? .unchanged : .update, "login", login,
                detail: fixes.isEmpty ? nil : fixes.joined(separator: ", "))
        }
        return [change]
    }

    private func notProven(_ login: String, _ comment: String?, database: String) -> String {
        let why =
            comment.map { $0.hasPrefix("rg-crm ") ? "its marker says \"\($0)\"" : "it has no rg-crm marker" }
            ?? "it has no rg-crm marker"
        return
            "role \(login) already exists but rg-crm cannot prove it is this tenant's login in database \(database): \(TerminalText.joinedLines(why)); nothing was changed (drop or rename that role, or use another --role-prefix)"
    }

    @discardableResult
    private func run(_ connection: Connection, _ sql: String, _ parameters: [String?] = []) throws(ProvisionError)
        -> QueryResult
    {
        do { return try connection.query(sql, parameters) } catch { throw .underlying(error) }
    }

    private func quote(_ connection: Connection, _ identifier: String) throws(ProvisionError) -> String {
        do { return try connection.quoteIdentifier(identifier) } catch { throw .underlying(error) }
    }

    /// A literal of rg-crm's own text (markers, durations): no quote or backslash can be in it, but double them anyway.
    private func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
