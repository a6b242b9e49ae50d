import Foundation
import MigrationKit
import Postgres
import RGCore

/// `db`: the server, the schema's migrations, the tenant's row, seed, roles, grants and row-level security. Every
/// query reads the catalog or one tenant's rows by index (no table is scanned whole); what needs a tenant role runs
/// in a transaction that is rolled back.
enum DatabaseChecks {
    static let all: [SmokeCheck] = [
        server, migrations, tenant, seed, roles, grants, rlsEnabled, rlsForced, rlsPolicies, currentTenant,
    ]

    /// The tenant's tables: those with a tenant_id column (but crm_tenant_roles, the platform's mapping, which no
    /// tenant role may read) and crm_tenants itself. Found in the catalog, so a table a later migration adds is
    /// covered without a change here.
    static let tenantTables = """
        SELECT c.oid, c.relname::text AS relname, c.relrowsecurity, c.relforcerowsecurity
          FROM pg_class c
         WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'p')
           AND (c.relname = 'crm_tenants'
                OR (c.relname <> 'crm_tenant_roles'
                    AND EXISTS (SELECT 1 FROM pg_attribute a
                                 WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)))
        """

    static let server = SmokeCheck(.db, "db.server", "the database server answers") { session in
        guard case .success(let connection) = session.connectionResult() else {
            return .fail(
                session.connectionResult().failureDescription,
                fix: "start PostgreSQL, or pass --database-url (default $DATABASE_URL)")
        }
        let version = try connection.query(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')")
        let number = Int(version.rows.first?[0] ?? "") ?? 0
        guard number >= 150000 else {
            return .fail(
                "PostgreSQL \(version.rows.first?[1] ?? "?") is older than 15",
                fix: "upgrade the server to PostgreSQL 15 or later")
        }
        return .pass("PostgreSQL \(version.rows.first?[1] ?? "")")
    }

    static let migrations = SmokeCheck(.db, "db.migrations", "every migration is applied, its checksum intact") {
        session in
        let connection = try session.connection()
        let available = try MigrationSource.load(directory: session.context.migrationsDirectory)
        let status = try Migrator(connection: connection, migrations: available).status()
        let changed = status.applied.filter { $0.state != .ok }
        if let first = changed.first {
            let what = changed.map { "\($0.migration.version) (\($0.migration.name)) \($0.state.rawValue)" }
            return .fail(
                "applied migration(s) no longer match their files: \(what.joined(separator: ", "))",
                fix:
                    "restore \(session.context.migrationsDirectory)'s files as applied (git checkout), then run rg-crm db verify; never edit an applied migration — add a new one",
                at: first.state == .changed
                    ? available.first { $0.version == first.migration.version }.map { .init(file: $0.upPath) } : nil)
        }
        guard status.pending.isEmpty else {
            return .fail(
                "\(status.pending.count) migration(s) not applied: \(status.pending.map { "\($0.version)" }.joined(separator: ", "))",
                fix: "run rg-crm db migrate")
        }
        return .pass("version \(status.currentVersion)")
    }

    static let tenant = SmokeCheck(.db, "db.tenant", "the tenant has its row") { session in
        let slug = session.context.slug.rawValue
        guard try session.connection().query("SELECT 1 FROM crm.crm_tenants WHERE slug = $1", [slug]).scalar != nil
        else {
            return .fail("no row for tenant \(slug) in crm.crm_tenants", fix: "run rg-crm db seed --tenant \(slug)")
        }
        return .pass()
    }

    static let seed = SmokeCheck(
        .db, "db.seed", "pipelines, stages and settings are as db seed --dry-run would leave them"
    ) { session in
        guard let seedDryRun = session.context.seedDryRun else {
            return .skip("no seed planner in this build")
        }
        _ = try session.tenantID()
        let plan = try seedDryRun(try session.connection(), try session.pack())
        let seeded: Set<String> = ["pipeline", "stage", "settings"]
        let drift = plan.changes.filter { seeded.contains($0.kind) && $0.action != .unchanged }
        guard drift.isEmpty else {
            let shown = drift.prefix(5).map { "\($0.action.symbol) \($0.kind) \($0.identity)" }
            let more = drift.count > 5 ? ", and \(drift.count - 5) more" : ""
            return .fail(
                "\(drift.count) difference(s) from the seed: \(shown.joined(separator: ", "))\(more)",
                fix:
                    "run rg-crm db seed \(session.context.tenantFlag) --dry-run to see them, then rg-crm db seed \(session.context.tenantFlag)"
            )
        }
        let counted = plan.changes.filter { $0.kind == "stage" }.count
        return .pass("\(counted) stage(s) as seeded")
    }

    static let roles = SmokeCheck(
        .db, "db.roles", "both tenant roles exist, cannot log in, and are members of the group roles"
    ) { session in
        let names = session.context.roles
        let rows = try session.connection().query(
            """
            SELECT n.name, r.oid IS NOT NULL, coalesce(r.rolcanlogin, false),
                   coalesce(r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication, false),
                   g.oid IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = g.oid AND m.member = r.oid)
              FROM (VALUES (1, $1, $3), (2, $2, $4)) AS n (position, name, grp)
              LEFT JOIN pg_roles r ON r.rolname = n.name
              LEFT JOIN pg_roles g ON g.rolname = n.grp
             ORDER BY n.position
            """, [names.app, names.reader, names.appGroup, names.readerGroup]
        ).rows
        var problems: [String] = []
        for (row, group) in zip(rows, [names.appGroup, names.readerGroup]) {
            let role = row[0] ?? ""
            if row[1] != "t" {
                problems.append("role \(role) does not exist")
                continue
            }
            if row[2] == "t" { problems.append("role \(role) can log in") }
            if row[3] == "t" {
                problems.append("role \(role) has SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB or REPLICATION")
            }
            if row[4] != "t" {
                problems.append("group role \(group) does not exist")
            } else if row[5] != "t" {
                problems.append("role \(role) is not a member of \(group)")
            }
        }
        guard problems.isEmpty else {
            return .fail(
                problems.joined(separator: "; "),
                fix:
                    "run rg-crm db seed \(session.context.tenantFlag) (a role that can log in: ALTER ROLE … NOLOGIN, and grant it to a login role instead)"
            )
        }
        return .pass("\(names.app), \(names.reader)")
    }

    static let grants = SmokeCheck(
        .db, "db.grants", "the group roles hold exactly the privileges the seed grants"
    ) { session in
        let names = session.context.roles
        let connection = try session.connection()
        let groups = try connection.query(
            "SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)", [names.appGroup, names.readerGroup]
        ).scalar
        guard groups == "2" else { throw SkipCheck("a group role is missing (db.roles)") }
        let differences = try connection.query(
            """
            WITH tenant AS (\(tenantTables)),
            rel AS (
                SELECT c.oid, c.relname::text AS relname, c.relacl,
                       CASE WHEN t.relname IN ('crm_tenants', 'crm_tenant_settings') THEN 'platform'
                            WHEN t.oid IS NOT NULL THEN 'tenant'
                            WHEN c.relkind = 'v' AND EXISTS (
                                     SELECT 1 FROM pg_options_to_table(c.reloptions) o
                                      WHERE o.option_name = 'security_invoker' AND lower(o.option_value) IN ('true', 'on', 'yes', '1'))
                                 THEN 'view'
                            ELSE 'none' END AS kind
                  FROM pg_class c LEFT JOIN tenant t ON t.oid = c.oid
                 WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S')
            ),
            wanted AS (
                SELECT rel.*, g.role,
                       CASE WHEN rel.kind = 'none' THEN ARRAY[]::text[]
                            WHEN rel.kind = 'tenant' AND g.access = 'app' THEN ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE']
                            ELSE ARRAY['SELECT'] END AS privileges
                  FROM rel CROSS JOIN (VALUES ($1::name, 'app'), ($2::name, 'reader')) AS g (role, access)
            )
            SELECT 'missing', w.role::text, w.relname, string_agg(p, ', ' ORDER BY p)
              FROM wanted w CROSS JOIN LATERAL unnest(w.privileges) AS p
             WHERE NOT has_table_privilege(w.role, w.oid, p)
             GROUP BY w.role, w.relname
            UNION ALL
            SELECT 'extra', w.role::text, w.relname, string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type)
              FROM wanted w CROSS JOIN LATERAL aclexplode(w.relacl) AS a
             WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = w.role) AND NOT (a.privilege_type = ANY (w.privileges))
             GROUP BY w.role, w.relname
            UNION ALL
            SELECT 'missing', g, 'schema crm', 'USAGE' FROM unnest(ARRAY[$1::name, $2::name]) AS g
             WHERE NOT has_schema_privilege(g, 'crm', 'USAGE')
            UNION ALL
            SELECT 'missing', g, 'function crm.current_tenant_id(name)', 'EXECUTE' FROM unnest(ARRAY[$1::name, $2::name]) AS g
             WHERE NOT has_function_privilege(g, 'crm.current_tenant_id(name)', 'EXECUTE')
             ORDER BY 1, 2, 3
            """, [names.appGroup, names.readerGroup]
        ).rows
        guard differences.isEmpty else {
            let shown = differences.prefix(5).map {
                "\($0[1] ?? "") \($0[0] == "missing" ? "lacks" : "also has") \($0[3] ?? "") on \($0[2] ?? "")"
            }
            let more = differences.count > 5 ? ", and \(differences.count - 5) more" : ""
            return .fail(
                shown.joined(separator: "; ") + more,
                fix: "run rg-crm db seed \(session.context.tenantFlag): it grants what is missing and revokes the rest")
        }
        return .pass()
    }

    /// The tenant tables for which `flag` (a column of `tenantTables`) is false.
    private static func tablesWithout(_ flag: String, _ connection: Connection) throws -> [String] {
        try connection.query("SELECT relname FROM (\(tenantTables)) t WHERE NOT \(flag) ORDER BY 1").rows.map {
            $0[0] ?? ""
        }
    }

    static let rlsEnabled = SmokeCheck(
        .db, "db.rls.enabled", "row-level security is enabled on every tenant table"
    ) { session in
        let tables = try tablesWithout("relrowsecurity", try session.connection())
        guard tables.isEmpty else {
            return .fail(
                "row-level security is off on \(tables.map { "crm.\($0)" }.joined(separator: ", "))",
                fix: "ALTER TABLE crm.\(tables[0]) ENABLE ROW LEVEL SECURITY (in a new migration; rg-crm db migrate)")
        }
        return .pass()
    }

    static let rlsForced = SmokeCheck(
        .db, "db.rls.forced", "row-level security is forced on every tenant table"
    ) { session in
        let tables = try tablesWithout("relforcerowsecurity", try session.connection())
        guard tables.isEmpty else {
            return .fail(
                "row-level security is not forced on \(tables.map { "crm.\($0)" }.joined(separator: ", ")): its owner bypasses it",
                fix: "ALTER TABLE crm.\(tables[0]) FORCE ROW LEVEL SECURITY (in a new migration; rg-crm db migrate)")
        }
        return .pass()
    }

    static let rlsPolicies = SmokeCheck(
        .db, "db.rls.policies", "every tenant table has its tenant_isolation policy, and no policy opens it wider"
    ) { session in
        let names = session.context.roles
        let rows = try session.connection().query(
            """
            SELECT t.relname,
                   EXISTS (SELECT 1 FROM pg_policy p
                            WHERE p.polrelid = t.oid AND p.polname = 'tenant_isolation' AND p.polpermissive
                              AND p.polroles = '{0}'
                              AND pg_get_expr(p.polqual, p.polrelid) LIKE '%current_tenant_id(CURRENT_USER)%'
                              AND (p.polcmd = 'r' OR pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%current_tenant_id(CURRENT_USER)%')),
                   (SELECT string_agg(p.polname::text, ', ' ORDER BY p.polname) FROM pg_policy p
                     WHERE p.polrelid = t.oid AND p.polpermissive AND p.polname <> 'tenant_isolation'
                       AND (0 = ANY (p.polroles) OR EXISTS (
                               SELECT 1 FROM unnest(p.polroles) AS granted (oid)
                                 JOIN pg_roles tenant_role ON tenant_role.rolname IN ($1, $2)
                                WHERE pg_has_role(tenant_role.oid, granted.oid, 'MEMBER'))))
              FROM (\(tenantTables)) t ORDER BY 1
            """, [names.app, names.reader]
        ).rows
        var problems: [String] = []
        var first: String?
        for row in rows {
            if row[1] != "t" {
                problems.append(
                    "crm.\(row[0] ?? "") has no tenant_isolation policy on crm.current_tenant_id(CURRENT_USER)")
                first = first ?? row[0]
            }
            if let wider = row[2] {
                problems.append("crm.\(row[0] ?? "") has permissive policy \(wider) for tenant roles")
                first = first ?? row[0]
            }
        }
        guard problems.isEmpty else {
            return .fail(
                problems.joined(separator: "; "),
                fix:
                    "restore the policy as migration 0004/0005 creates it (in a new migration: CREATE POLICY tenant_isolation ON crm.\(first ?? "…") …; rg-crm db migrate), and drop any wider one"
            )
        }
        return .pass("\(rows.count) table(s)")
    }

    static let currentTenant = SmokeCheck(
        .db, "db.current-tenant", "crm.current_tenant_id() resolves to the tenant for its app role"
    ) { session in
        let tenantID = try session.tenantID()
        let connection = try session.connection()
        let app = session.context.roles.app
        try RoleSwitch.requireRoles([app], connection)
        let resolved = try RoleSwitch.rolledBack(connection) { () throws -> String? in
            try RoleSwitch.become(app, connection)
            return try connection.query("SELECT crm.current_tenant_id(CURRENT_USER)::text").scalar
        }
        guard resolved == tenantID else {
            return .fail(
                resolved == nil
                    ? "crm.current_tenant_id() resolves to no tenant for \(app): crm.crm_tenant_roles does not map it"
                    : "crm.current_tenant_id() resolves to tenant \(resolved ?? "") for \(app), not \(tenantID)",
                fix: "run rg-crm db seed \(session.context.tenantFlag)")
        }
        return .pass()
    }
}

/// Acting as a tenant role inside a transaction that is rolled back: `SET LOCAL ROLE`, after granting the role to
/// the session's user for the transaction when it is not a member already (the migrating role has CREATEROLE).
/// The rollback takes the grant back with everything else.
enum RoleSwitch {
    /// Runs `body` in a transaction that is always rolled back.
    static func rolledBack<T>(_ connection: Connection, _ body: () throws -> T) throws -> T {
        try connection.transaction(commit: false, wrap: Self.anyError, body)
    }

    private static func anyError(_ error: PostgresError) -> any Error { error }

    /// Skips the check when a role is missing (db.roles reports it).
    static func requireRoles(_ roles: [String], _ connection: Connection) throws {
        for role in roles where try connection.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).scalar == nil
        {
            throw SkipCheck("role \(role) does not exist (db.roles)")
        }
    }

    static func become(_ role: String, _ connection: Connection) throws {
        let quoted = try connection.quoteIdentifier(role)
        try connection.query("RESET ROLE")
        let member = try connection.query("SELECT pg_has_role(SESSION_USER, $1::name, 'MEMBER')", [role]).scalar
        if member != "t" {
            let granted = Result { () throws(PostgresError) -> Void in
                try connection.query("GRANT \(quoted) TO SESSION_USER")
            }
            if case .failure(let error) = granted {
                guard error.sqlState == "42501" else { throw error }
                throw SmokeError(
                    "cannot act as \(role): \(connection.endpoint.user) is not a member of it and may not grant it; run smoke as the role that migrates (CREATEROLE), or GRANT \(role) TO \(connection.endpoint.user)",
                    category: .failed)
            }
        }
        try connection.query("SET LOCAL ROLE \(quoted)")
    }
}
