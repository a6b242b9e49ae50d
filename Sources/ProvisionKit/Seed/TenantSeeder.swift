import Foundation
import Postgres
import RGCore

/// What `db seed` did, or with `dryRun` would do: every object it looked at (tenant, roles, privileges, pipelines,
/// stages, settings), changed or not, in the order the seed visits them.
public struct SeedReport: Sendable {
    public var tenantID: String
    public var changes: [Change]
    public var dryRun: Bool
    /// Nothing was (or would be) created, updated or deleted.
    public var unchanged: Bool { !plan.hasChanges }
    public var plan: Plan { Plan(changes, applied: !dryRun) }
}

public enum SeedError: RGError, Sendable {
    case database(PostgresError)
    case stageInUse(pipeline: String, stage: String, deals: Int)
    case pipelineInUse(pipeline: String, deals: Int)
    /// The object whose absence shows the schema is missing or older than this rg-crm.
    case schemaMissing(missing: String)
    /// A role with a tenant role's name exists but rg-crm cannot prove it made it for this tenant in this database.
    case roleNotProven(role: String, tenant: String, database: String, reason: String)
    /// A role with a group role's name exists but is not one rg-crm made (or could safely have made).
    case groupRoleNotUsable(role: String, reason: String)
    /// DROP ROLE refused: something (in this or another database) still depends on the role.
    case roleInUse(role: String, detail: String)
    case invalidRolePrefix(String)
    /// A lock the seed or removal needs was held by another session for longer than the lock timeout.
    case lockTimeout(tenant: String, seconds: Int)

    /// A role prefix that breaks the rule is bad input; the rest are refused or failed operations.
    public var category: ExitCategory {
        switch self {
        case .database(let error): error.category
        case .invalidRolePrefix: .usage
        case .stageInUse, .pipelineInUse, .schemaMissing, .roleNotProven, .groupRoleNotUsable, .roleInUse, .lockTimeout:
            .failed
        }
    }

    public var description: String {
        switch self {
        case .database(let error): return error.description
        case .stageInUse(let pipeline, let stage, let deals):
            return
                "stage '\(stage)' of pipeline '\(pipeline)' is used by \(deals) deal(s) and cannot be removed; move those deals to another stage first, or keep the stage in crm.json (nothing was changed)"
        case .pipelineInUse(let pipeline, let deals):
            return
                "pipeline '\(pipeline)' has \(deals) deal(s) and cannot be removed; keep it in crm.json or move its deals first (nothing was changed)"
        case .schemaMissing(let missing):
            return "the CRM schema is not there or not up to date (\(missing) is missing): run rg-crm db migrate first"
        case .roleNotProven(let role, let tenant, let database, let reason):
            return
                "role \(role) already exists but rg-crm cannot prove it is tenant \(tenant)'s in database \(database): \(TerminalText.joinedLines(reason)); nothing was changed (drop or rename that role, or use another --role-prefix)"
        case .groupRoleNotUsable(let role, let reason):
            return
                "role \(role) already exists but is not an rg-crm group role: \(TerminalText.joinedLines(reason)); nothing was changed (drop or rename that role, or use another --role-prefix)"
        case .invalidRolePrefix(let prefix):
            return
                "role prefix '\(prefix)' must be \(TenantRoles.prefixRule), so that no two tenants' role names can collide"
        case .lockTimeout(let tenant, let seconds):
            return
                "waited \(seconds) s for a lock held by another session (another seed or removal of tenant \(tenant), or a session holding a lock on its tables); nothing was changed: find it in pg_locks, then run again"
        case .roleInUse(let role, let detail):
            return
                "role \(role) cannot be dropped: \(TerminalText.joinedLines(detail)); revoke those privileges or reassign those objects, then run tenant remove again (nothing was changed)"
        }
    }
}

/// Creates or updates a tenant in one transaction: its row, roles and grants, pipelines, stages and settings.
/// Idempotent: objects equal to the plan are left untouched (no UPDATE is even issued).
public final class TenantSeeder {
    private let connection: Connection
    private let roles: TenantRoles
    private let rolePrefix: String
    private let plan: SeedPlan
    private let lockTimeoutSeconds: Int

    /// `lockTimeoutSeconds` bounds every lock wait: the tenant's seed lock is an advisory lock any session of the
    /// database can take, and a tenant's own login can lock its tables; neither may hang a seed for ever.
    public init(
        connection: Connection, plan: SeedPlan, rolePrefix: String = TenantRoles.defaultPrefix,
        lockTimeoutSeconds: Int = 60
    ) {
        self.connection = connection
        self.plan = plan
        self.rolePrefix = rolePrefix
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.roles = TenantRoles(prefix: rolePrefix, slug: plan.tenant.slug)
    }

    /// With `dryRun` everything runs inside the one transaction and is then rolled back, so nothing is committed and
    /// the transaction's advisory locks end with it: the report is exactly what a real run would do at that moment.
    public func seed(dryRun: Bool = false) throws(SeedError) -> SeedReport {
        var changes: [Change] = []
        // The command line checks this too; a library caller cannot get around the proof in TenantRoles either.
        guard TenantRoles.isValidPrefix(rolePrefix) else { throw .invalidRolePrefix(rolePrefix) }
        let tenantID = try connection.transaction(commit: !dryRun, wrap: SeedError.database) {
            () throws(SeedError) -> String in
            try Self.requireSchema(connection)
            try Self.boundLockWaits(connection, seconds: lockTimeoutSeconds, tenant: plan.tenant.slug.rawValue)
            // Seeds of one tenant wait for each other; different tenants seed in parallel, except for the moment
            // they touch the group roles every tenant shares (created once, granted once).
            try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:\(plan.tenant.slug)"])
            try run("SET CONSTRAINTS ALL DEFERRED")
            let tenantID = try upsertTenant(&changes)
            try ensureRoles(tenantID: tenantID, &changes)
            try syncPipelines(tenantID: tenantID, &changes)
            try upsertSettings(tenantID: tenantID, &changes)
            // A real run checks deferred constraints at COMMIT; a dry run checks them here, before its ROLLBACK,
            // so that it fails exactly where the real run would.
            if dryRun { try run("SET CONSTRAINTS ALL IMMEDIATE") }
            return tenantID
        }
        return SeedReport(tenantID: tenantID, changes: changes, dryRun: dryRun)
    }

    /// Seeding and offboarding need migration 0005 (a role mapping that is never repointed, a function that
    /// answers only for the session's own roles); listing needs only the tenants table. An older schema is
    /// refused with what to do, instead of the server's "relation … does not exist".
    static func requireSchema(_ connection: Connection, listingOnly: Bool = false) throws(SeedError) {
        let probes = [
            ("crm.crm_tenants", "to_regclass('crm.crm_tenants')"),
            ("crm.crm_tenant_roles", "to_regclass('crm.crm_tenant_roles')"),
            ("crm.crm_tenant_roles_never_repointed()", "to_regprocedure('crm.crm_tenant_roles_never_repointed()')"),
        ].prefix(listingOnly ? 1 : 3)
        let present: [String?]
        do {
            present =
                try connection.query("SELECT " + probes.map { "(\($0.1) IS NOT NULL)::text" }.joined(separator: ", "))
                .rows.first ?? []
        } catch { throw .database(error) }
        for (index, probe) in probes.enumerated() where present.count <= index || present[index] != "true" {
            throw .schemaMissing(missing: probe.0)
        }
    }

    // MARK: - Tenant row

    private func upsertTenant(_ changes: inout [Change]) throws(SeedError) -> String {
        let tenant = plan.tenant
        let verticals = "{" + tenant.verticals.map(\.rawValue).joined(separator: ",") + "}"
        if let id = try run(
            "INSERT INTO crm.crm_tenants (slug, name, domain, verticals) VALUES ($1, $2, $3, $4::text[]) ON CONFLICT (slug) DO NOTHING RETURNING id",
            [tenant.slug.rawValue, tenant.name, tenant.domain, verticals]
        ).scalar {
            changes.append(Change(.create, "tenant", tenant.slug.rawValue))
            return id
        }
        let updated = try run(
            """
            UPDATE crm.crm_tenants SET name = $2, domain = $3, verticals = $4::text[]
             WHERE slug = $1 AND (name, domain, verticals) IS DISTINCT FROM ($2, $3, $4::text[]) RETURNING id
            """, [tenant.slug.rawValue, tenant.name, tenant.domain, verticals])
        if let id = updated.scalar {
            changes.append(Change(.update, "tenant", tenant.slug.rawValue))
            return id
        }
        changes.append(Change(.unchanged, "tenant", tenant.slug.rawValue))
        return try run("SELECT id FROM crm.crm_tenants WHERE slug = $1", [tenant.slug.rawValue]).scalar ?? ""
    }

    // MARK: - Roles and grants

    /// A role as it is before the seed changes anything.
    private struct RoleState {
        var exists = false
        var comment: String?
        /// Can log in, or has SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS.
        var privileged = false
        var mappedTenantID: String?
        var mappedTenantSlug: String?
        var mappedAccess: String?
        /// A member of its group role (tenant roles only).
        var isMember = false
    }

    private enum RoleAction { case keep, create, mark }

    /// How often the role step is tried again after losing a race to a seed in another database of the cluster.
    static let roleAttempts = 10

    /// Roles are the cluster's and advisory locks are a database's: seeds in two databases can both find a role
    /// missing and both create it (the second waits, then fails on pg_authid_rolname_index), or both mark or grant
    /// one. The role step therefore runs in a savepoint and, on such a race, is rolled back and decided again from
    /// what the other seed committed (which it has waited for by then).
    private func ensureRoles(tenantID: String, _ changes: inout [Change]) throws(SeedError) {
        try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:group-roles:\(roles.groupApp)"])
        let database = try run("SELECT current_database()::text").scalar ?? ""
        var attempt = 1
        while true {
            try run("SAVEPOINT rg_crm_roles")
            var attemptChanges: [Change] = []
            do throws(SeedError) {
                try ensureRolesOnce(tenantID: tenantID, database: database, &attemptChanges)
                try run("RELEASE SAVEPOINT rg_crm_roles")
                changes += attemptChanges
                return
            } catch .database(let error) where attempt < Self.roleAttempts && Self.isRoleRace(error) {
                try run("ROLLBACK TO SAVEPOINT rg_crm_roles")
                attempt += 1
            }
        }
    }

    /// Errors another transaction's concurrent work on the same shared catalog rows causes: the role it created
    /// after this one looked (42710 once committed, 23505 while this one waited on it), a deadlock, a catalog row
    /// both updated.
    static func isRoleRace(_ error: PostgresError) -> Bool {
        switch error.sqlState {
        case "42710", "23505", "40001", "40P01": return true
        case "XX000": return error.message.contains("tuple concurrently updated")
        default: return false
        }
    }

    private func ensureRolesOnce(tenantID: String, database: String, _ changes: inout [Change]) throws(SeedError) {
        // Everything is decided from reads first: a role that is not provably ours stops the seed before any
        // CREATE, COMMENT or GRANT (and the transaction takes back the tenant row).
        var groupActions: [(TenantRoles.Access, RoleAction)] = []
        var tenantActions: [(TenantRoles.Access, RoleAction, RoleState)] = []
        for access in TenantRoles.Access.allCases {
            groupActions.append((access, try decideGroup(access)))
        }
        for access in TenantRoles.Access.allCases {
            let (action, state) = try decideTenantRole(access, tenantID: tenantID, database: database)
            tenantActions.append((access, action, state))
        }

        for (access, action) in groupActions {
            let group = roles.group(access)
            switch action {
            case .create:
                try run("CREATE ROLE \(try quoted(group)) NOLOGIN")
                try mark(group, TenantRoles.groupMarker(access: access))
                changes.append(Change(.create, "role", group))
            case .mark:
                try mark(group, TenantRoles.groupMarker(access: access))
                changes.append(Change(.update, "role", group, detail: "marked as rg-crm's group role"))
            case .keep:
                changes.append(Change(.unchanged, "role", group))
            }
        }
        try grantGroupPrivileges(&changes)
        let slug = plan.tenant.slug
        for (access, action, state) in tenantActions {
            let role = roles.role(access)
            let group = roles.group(access)
            var fixes: [String] = []
            switch action {
            case .create:
                try run("CREATE ROLE \(try quoted(role)) NOLOGIN INHERIT")
                try mark(role, TenantRoles.marker(database: database, tenantID: tenantID, access: access))
            case .mark:
                try mark(role, TenantRoles.marker(database: database, tenantID: tenantID, access: access))
                fixes.append("marked as tenant \(slug)'s in database \(database)")
            case .keep: break
            }
            if action == .create || !state.isMember {
                try run("GRANT \(try quoted(group)) TO \(try quoted(role))")
                fixes.append("member of \(group)")
            }
            if state.mappedTenantID == nil {
                // Never an upsert: a role that acts for a tenant keeps acting for it (migration 0005's trigger
                // refuses any UPDATE of crm_tenant_roles as well).
                try run(
                    "INSERT INTO crm.crm_tenant_roles (tenant_id, role_name, access) VALUES ($1, $2, $3)",
                    [tenantID, role, access.rawValue])
                fixes.append("acts for tenant \(slug)")
            }
            let detail = fixes.isEmpty ? nil : fixes.joined(separator: ", ")
            changes.append(
                Change(action == .create ? .create : fixes.isEmpty ? .unchanged : .update, "role", role, detail: detail)
            )
        }
    }

    /// A group role is used if rg-crm marked it; one without any comment (made before rg-crm marked its roles) is
    /// adopted and marked only if it is as rg-crm makes them: no login, no special attribute.
    private func decideGroup(_ access: TenantRoles.Access) throws(SeedError) -> RoleAction {
        let group = roles.group(access)
        let state = try roleState(group, group: nil)
        guard state.exists else { return .create }
        switch state.comment {
        case TenantRoles.groupMarker(access: access)?:
            return .keep
        case nil, ""?:
            if state.privileged {
                throw .groupRoleNotUsable(
                    role: group,
                    reason: "it can log in or has SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS")
            }
            return .mark
        case let other?:
            throw .groupRoleNotUsable(
                role: group, reason: "its comment is \"\(other)\", not rg-crm's group role marker")
        }
    }

    /// A tenant role is used if its marker names this database, this tenant and this access. One without any
    /// comment (made before rg-crm marked its roles) is adopted and marked only if this database already maps it
    /// to this tenant with this access. Anything else — another tenant's mapping here, another database's or
    /// tenant's marker, a role rg-crm did not make — stops the seed.
    private func decideTenantRole(_ access: TenantRoles.Access, tenantID: String, database: String) throws(SeedError)
        -> (RoleAction, RoleState)
    {
        let role = roles.role(access)
        let state = try roleState(role, group: roles.group(access))
        let slug = plan.tenant.slug.rawValue
        func refused(_ reason: String) -> SeedError {
            .roleNotProven(role: role, tenant: slug, database: database, reason: reason)
        }
        if let mapped = state.mappedTenantID, mapped != tenantID || state.mappedAccess != access.rawValue {
            throw refused(
                "this database maps it to tenant \(state.mappedTenantSlug ?? mapped) with access \(state.mappedAccess ?? "?")"
            )
        }
        guard state.exists else { return (.create, state) }
        switch state.comment {
        case TenantRoles.marker(database: database, tenantID: tenantID, access: access)?:
            return (.keep, state)
        case nil, ""?:
            guard state.mappedTenantID != nil else {
                throw refused("it has no rg-crm marker and this database does not map it to the tenant")
            }
            return (.mark, state)
        case let other?:
            throw refused(
                other.hasPrefix("rg-crm ") ? "its marker says \"\(other)\"" : "its comment is not an rg-crm marker")
        }
    }

    private func roleState(_ role: String, group: String?) throws(SeedError) -> RoleState {
        let result = try run(
            """
            SELECT r.oid IS NOT NULL, shobj_description(r.oid, 'pg_authid'),
                   coalesce(r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls, false),
                   m.tenant_id::text, t.slug::text, m.access,
                   coalesce(CASE WHEN r.oid IS NOT NULL AND g.oid IS NOT NULL THEN pg_has_role(r.oid, g.oid, 'MEMBER') END, false)
              FROM (SELECT $1::name AS name) n
              LEFT JOIN pg_roles r ON r.rolname = n.name
              LEFT JOIN pg_roles g ON g.rolname = $2::name
              LEFT JOIN crm.crm_tenant_roles m ON m.role_name = n.name
              LEFT JOIN crm.crm_tenants t ON t.id = m.tenant_id
            """, [role, group])
        guard let row = result.rows.first, row.count == 7 else { return RoleState() }
        return RoleState(
            exists: row[0] == "t", comment: row[1], privileged: row[2] == "t", mappedTenantID: row[3],
            mappedTenantSlug: row[4],
            mappedAccess: row[5], isMember: row[6] == "t")
    }

    /// COMMENT takes no parameters: the server quotes the literal.
    private func mark(_ role: String, _ marker: String) throws(SeedError) {
        let literal = try run("SELECT quote_literal($1)", [marker]).scalar ?? "NULL"
        try run("COMMENT ON ROLE \(try quoted(role)) IS \(literal)")
    }

    /// The group roles' privileges in schema crm, granted only where missing so that a re-seed changes nothing,
    /// and anything more revoked. Only what row-level security guards is granted: tables with RLS enabled and
    /// forced, and security_invoker views over them — so the engine's history, the role mapping and any table a
    /// later migration adds without RLS stay out of every tenant's reach. crm_tenants and crm_tenant_settings are
    /// the platform's (SELECT only), and no sequence is granted: the one sequence, crm_deal_stage_history's
    /// identity, is advanced by INSERT without any privilege on it, and USAGE would let a tenant call nextval and
    /// watch every tenant's activity. One query finds what differs.
    private func grantGroupPrivileges(_ changes: inout [Change]) throws(SeedError) {
        let differences = try run(
            """
            WITH objects AS (
                SELECT c.relname, c.relkind::text AS kind, c.relacl, g.role, g.access,
                       CASE WHEN c.relkind = 'S' THEN ARRAY[]::text[]
                            WHEN c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity) THEN ARRAY[]::text[]
                            WHEN c.relkind = 'v' AND NOT EXISTS (
                                     SELECT 1 FROM pg_options_to_table(c.reloptions) o
                                      WHERE o.option_name = 'security_invoker' AND lower(o.option_value) IN ('true', 'on', 'yes', '1'))
                                 THEN ARRAY[]::text[]
                            WHEN c.relkind = 'v' OR c.relname IN ('crm_tenants', 'crm_tenant_settings') OR g.access = 'reader' THEN ARRAY['SELECT']
                            ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] END AS wanted
                  FROM pg_class c
                 CROSS JOIN (VALUES ($1, 'app'), ($2, 'reader')) AS g (role, access)
                 WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'v', 'S')
            )
            SELECT 'grant', o.role, o.relname, o.kind, string_agg(p.privilege, ', ' ORDER BY p.privilege)
              FROM objects o CROSS JOIN LATERAL unnest(o.wanted) AS p (privilege)
             WHERE NOT has_table_privilege(o.role, 'crm.' || quote_ident(o.relname), p.privilege)
             GROUP BY o.role, o.relname, o.kind
            UNION ALL
            SELECT 'revoke', o.role, o.relname, o.kind, string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type)
              FROM objects o CROSS JOIN LATERAL aclexplode(o.relacl) AS a
             WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = o.role) AND NOT (a.privilege_type = ANY (o.wanted))
             GROUP BY o.role, o.relname, o.kind
            UNION ALL
            SELECT 'grant', g, NULL, 'schema', 'USAGE' FROM unnest(ARRAY[$1, $2]) AS g WHERE NOT has_schema_privilege(g, 'crm', 'USAGE')
            UNION ALL
            SELECT 'grant', g, NULL, 'function', 'EXECUTE' FROM unnest(ARRAY[$1, $2]) AS g
             WHERE NOT has_function_privilege(g, 'crm.current_tenant_id(name)', 'EXECUTE')
            ORDER BY 1, 2, 3
            """, [roles.groupApp, roles.groupReader])
        var granted = 0
        var revoked = 0
        for row in differences.rows {
            let role = try quoted(row[1] ?? "")
            let object = row[3] == "S" ? "SEQUENCE crm.\(try quoted(row[2] ?? ""))" : "crm.\(try quoted(row[2] ?? ""))"
            switch (row[0], row[3]) {
            case ("grant", "schema"): try run("GRANT USAGE ON SCHEMA crm TO \(role)")
            case ("grant", "function"): try run("GRANT EXECUTE ON FUNCTION crm.current_tenant_id(name) TO \(role)")
            case ("grant", _): try run("GRANT \(row[4] ?? "SELECT") ON \(object) TO \(role)")
            default: try run("REVOKE \(row[4] ?? "ALL") ON \(object) FROM \(role)")
            }
            if row[0] == "grant" { granted += 1 } else { revoked += 1 }
        }
        let counts = [granted > 0 ? "\(granted) grant(s)" : nil, revoked > 0 ? "\(revoked) revoke(s)" : nil].compactMap
        { $0 }
        changes.append(
            Change(
                counts.isEmpty ? .unchanged : .update, "privileges", "\(roles.groupApp), \(roles.groupReader)",
                detail: counts.isEmpty ? nil : counts.joined(separator: ", ")))
    }

    // MARK: - Pipelines and stages

    private func syncPipelines(tenantID: String, _ changes: inout [Change]) throws(SeedError) {
        let keys = "{" + plan.pipelines.map(\.key).joined(separator: ",") + "}"
        let doomed = try run(
            """
            SELECT p.key, (SELECT count(*) FROM crm.crm_deals d WHERE d.tenant_id = p.tenant_id AND d.pipeline_id = p.id)
              FROM crm.crm_pipelines p WHERE p.tenant_id = $1 AND p.key <> ALL ($2::text[]) ORDER BY p.key
            """, [tenantID, keys])
        for row in doomed.rows {
            let deals = Int(row[1] ?? "0") ?? 0
            if deals > 0 { throw .pipelineInUse(pipeline: row[0] ?? "", deals: deals) }
        }
        for row in doomed.rows {
            try run("DELETE FROM crm.crm_pipelines WHERE tenant_id = $1 AND key = $2", [tenantID, row[0]])
            changes.append(Change(.delete, "pipeline", row[0] ?? ""))
        }
        // Pipelines that stop being a vertical's default go first, so the one-default-per-vertical index never
        // sees two defaults while the flag moves from one pipeline to another.
        for pipeline in plan.pipelines.filter({ !$0.isDefault }) + plan.pipelines.filter(\.isDefault) {
            let values: [String?] = [
                tenantID, pipeline.key, pipeline.name, pipeline.type, pipeline.vertical?.rawValue,
                Self.number(pipeline.slaResponseHours),
                pipeline.isDefault ? "true" : "false",
            ]
            let pipelineID: String
            if let id = try run(
                """
                INSERT INTO crm.crm_pipelines (tenant_id, key, name, type, vertical, sla_response_hours, is_default)
                VALUES ($1, $2, $3, $4, $5, $6::numeric(8, 2), $7::boolean) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id
                """, values
            ).scalar {
                changes.append(Change(.create, "pipeline", pipeline.key))
                pipelineID = id
            } else {
                let updated = try run(
                    """
                    UPDATE crm.crm_pipelines SET name = $3, type = $4, vertical = $5, sla_response_hours = $6::numeric(8, 2), is_default = $7::boolean
                     WHERE tenant_id = $1 AND key = $2
                       AND (name, type, vertical, sla_response_hours, is_default) IS DISTINCT FROM ($3, $4, $5, $6::numeric(8, 2), $7::boolean)
                    RETURNING id
                    """, values)
                changes.append(Change(updated.rows.isEmpty ? .unchanged : .update, "pipeline", pipeline.key))
                pipelineID =
                    try run(
                        "SELECT id FROM crm.crm_pipelines WHERE tenant_id = $1 AND key = $2", [tenantID, pipeline.key]
                    ).scalar ?? ""
            }
            try syncStages(of: pipeline, pipelineID: pipelineID, tenantID: tenantID, &changes)
        }
    }

    private func syncStages(
        of pipeline: PipelineConfig, pipelineID: String, tenantID: String, _ changes: inout [Change]
    )
        throws(SeedError)
    {
        let keys = "{" + pipeline.stages.map(\.key).joined(separator: ",") + "}"
        let doomed = try run(
            """
            SELECT s.key, (SELECT count(*) FROM crm.crm_deals d WHERE d.tenant_id = s.tenant_id AND d.pipeline_id = s.pipeline_id AND d.stage = s.key)
              FROM crm.crm_stages s WHERE s.tenant_id = $1 AND s.pipeline_id = $2 AND s.key <> ALL ($3::text[]) ORDER BY s.sequence
            """, [tenantID, pipelineID, keys])
        for row in doomed.rows {
            let deals = Int(row[1] ?? "0") ?? 0
            if deals > 0 { throw .stageInUse(pipeline: pipeline.key, stage: row[0] ?? "", deals: deals) }
        }
        for row in doomed.rows {
            try run(
                "DELETE FROM crm.crm_stages WHERE tenant_id = $1 AND pipeline_id = $2 AND key = $3",
                [tenantID, pipelineID, row[0]])
            changes.append(Change(.delete, "stage", "\(pipeline.key).\(row[0] ?? "")"))
        }
        for (index, stage) in pipeline.stages.enumerated() {
            let values: [String?] = [
                tenantID, pipelineID, stage.key, String(index + 1), stage.name, Self.number(stage.slaHours),
                stage.autoProgressRule?.serialized(), stage.automation,
            ]
            let created = try run(
                """
                INSERT INTO crm.crm_stages (tenant_id, pipeline_id, key, sequence, name, sla_hours, auto_progress_rule, automation_flow)
                VALUES ($1, $2, $3, $4::integer, $5, $6::numeric(8, 2), $7::jsonb, $8) ON CONFLICT (tenant_id, pipeline_id, key) DO NOTHING RETURNING id
                """, values)
            if !created.rows.isEmpty {
                changes.append(Change(.create, "stage", "\(pipeline.key).\(stage.key)"))
                continue
            }
            let updated = try run(
                """
                UPDATE crm.crm_stages SET sequence = $4::integer, name = $5, sla_hours = $6::numeric(8, 2), auto_progress_rule = $7::jsonb, automation_flow = $8
                 WHERE tenant_id = $1 AND pipeline_id = $2 AND key = $3
                   AND (sequence, name, sla_hours, auto_progress_rule, automation_flow)
                       IS DISTINCT FROM ($4::integer, $5, $6::numeric(8, 2), $7::jsonb, $8)
                RETURNING id
                """, values)
            changes.append(Change(updated.rows.isEmpty ? .unchanged : .update, "stage", "\(pipeline.key).\(stage.key)"))
        }
    }

    // MARK: - Settings

    private func upsertSettings(tenantID: String, _ changes: inout [Change]) throws(SeedError) {
        let values: [String?] = [tenantID, plan.scoringJSON, plan.automationJSON, plan.webhooksJSON]
        if !(try run(
            "INSERT INTO crm.crm_tenant_settings (tenant_id, scoring, automation, webhooks) VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb) ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id",
            values
        ).rows.isEmpty) {
            changes.append(Change(.create, "settings", plan.tenant.slug.rawValue, detail: Self.settingsDetail))
            return
        }
        let updated = try run(
            """
            UPDATE crm.crm_tenant_settings SET scoring = $2::jsonb, automation = $3::jsonb, webhooks = $4::jsonb, updated_at = now()
             WHERE tenant_id = $1 AND (scoring, automation, webhooks) IS DISTINCT FROM ($2::jsonb, $3::jsonb, $4::jsonb)
            RETURNING tenant_id
            """, values)
        changes.append(
            Change(
                updated.rows.isEmpty ? .unchanged : .update, "settings", plan.tenant.slug.rawValue,
                detail: Self.settingsDetail))
    }

    static let settingsDetail = "scoring, automation, webhooks"

    // MARK: - Helpers

    /// `SET LOCAL lock_timeout` for the rest of the transaction.
    static func boundLockWaits(_ connection: Connection, seconds: Int, tenant: String) throws(SeedError) {
        do { try connection.query("SET LOCAL lock_timeout = '\(max(1, seconds))s'") } catch { throw .database(error) }
    }

    /// A server error as a SeedError: a lock wait that ran out (55P03) says what was waited for.
    static func wrap(_ error: PostgresError, tenant: String, lockTimeout: Int) -> SeedError {
        error.sqlState == "55P03" ? .lockTimeout(tenant: tenant, seconds: max(1, lockTimeout)) : .database(error)
    }

    @discardableResult
    private func run(_ sql: String, _ parameters: [String?] = []) throws(SeedError) -> QueryResult {
        do { return try connection.query(sql, parameters) } catch {
            throw Self.wrap(error, tenant: plan.tenant.slug.rawValue, lockTimeout: lockTimeoutSeconds)
        }
    }

    private func quoted(_ identifier: String) throws(SeedError) -> String {
        do { return try connection.quoteIdentifier(identifier) } catch { throw .database(error) }
    }

    /// Numbers as PostgreSQL reads them: no exponent, no trailing ".0".
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
