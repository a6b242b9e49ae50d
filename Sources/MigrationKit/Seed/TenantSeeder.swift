import Foundation
import Postgres
import RGCore

/// One change `db seed` made, or would make.
public struct SeedChange: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case created, updated, removed }
    public var kind: Kind
    public var object: String

    public var description: String { "\(kind.rawValue) \(object)" }
}

public struct SeedReport: Sendable {
    public var tenantID: String
    public var changes: [SeedChange]
    public var dryRun: Bool
    public var unchanged: Bool { changes.isEmpty }
}

public enum SeedError: Error, Sendable, CustomStringConvertible {
    case database(PostgresError)
    case stageInUse(pipeline: String, stage: String, deals: Int)
    case pipelineInUse(pipeline: String, deals: Int)
    case schemaMissing

    public var description: String {
        switch self {
        case .database(let error): return error.description
        case .stageInUse(let pipeline, let stage, let deals):
            return "stage '\(stage)' of pipeline '\(pipeline)' is used by \(deals) deal(s) and cannot be removed; move those deals to another stage first, or keep the stage in crm.json (nothing was changed)"
        case .pipelineInUse(let pipeline, let deals):
            return "pipeline '\(pipeline)' has \(deals) deal(s) and cannot be removed; keep it in crm.json or move its deals first (nothing was changed)"
        case .schemaMissing:
            return "the CRM schema is not there or not up to date (crm.crm_tenant_roles is missing): run rg-crm db migrate first"
        }
    }
}

/// Creates or updates a tenant in one transaction: its row, roles and grants, pipelines, stages and settings.
/// Idempotent: objects equal to the plan are left untouched (no UPDATE is even issued).
public final class TenantSeeder {
    private let connection: Connection
    private let roles: TenantRoles
    private let plan: SeedPlan

    public init(connection: Connection, plan: SeedPlan, rolePrefix: String = TenantRoles.defaultPrefix) {
        self.connection = connection
        self.plan = plan
        self.roles = TenantRoles(prefix: rolePrefix, slug: plan.tenant.slug)
    }

    /// With `dryRun` everything runs and is then rolled back: the report is exactly what a real run would do.
    public func seed(dryRun: Bool = false) throws(SeedError) -> SeedReport {
        var changes: [SeedChange] = []
        let tenantID = try connection.transaction(commit: !dryRun, wrap: SeedError.database) { () throws(SeedError) -> String in
            guard try run("SELECT to_regclass('crm.crm_tenant_roles') IS NOT NULL").scalar == "t" else { throw SeedError.schemaMissing }
            // Seeds of one tenant wait for each other; different tenants seed in parallel, except for the moment
            // they touch the group roles every tenant shares (created once, granted once).
            try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:\(plan.tenant.slug)"])
            try run("SET CONSTRAINTS ALL DEFERRED")
            let tenantID = try upsertTenant(&changes)
            try ensureRoles(tenantID: tenantID, &changes)
            try syncPipelines(tenantID: tenantID, &changes)
            try upsertSettings(tenantID: tenantID, &changes)
            return tenantID
        }
        return SeedReport(tenantID: tenantID, changes: changes, dryRun: dryRun)
    }

    // MARK: - Tenant row

    private func upsertTenant(_ changes: inout [SeedChange]) throws(SeedError) -> String {
        let tenant = plan.tenant
        let verticals = "{" + tenant.verticals.map(\.rawValue).joined(separator: ",") + "}"
        if let id = try run(
            "INSERT INTO crm.crm_tenants (slug, name, domain, verticals) VALUES ($1, $2, $3, $4::text[]) ON CONFLICT (slug) DO NOTHING RETURNING id",
            [tenant.slug.rawValue, tenant.name, tenant.domain, verticals]
        ).scalar {
            changes.append(SeedChange(kind: .created, object: "tenant \(tenant.slug)"))
            return id
        }
        let updated = try run(
            """
            UPDATE crm.crm_tenants SET name = $2, domain = $3, verticals = $4::text[]
             WHERE slug = $1 AND (name, domain, verticals) IS DISTINCT FROM ($2, $3, $4::text[]) RETURNING id
            """, [tenant.slug.rawValue, tenant.name, tenant.domain, verticals])
        if let id = updated.scalar {
            changes.append(SeedChange(kind: .updated, object: "tenant \(tenant.slug)"))
            return id
        }
        return try run("SELECT id FROM crm.crm_tenants WHERE slug = $1", [tenant.slug.rawValue]).scalar ?? ""
    }

    // MARK: - Roles and grants

    private func ensureRoles(tenantID: String, _ changes: inout [SeedChange]) throws(SeedError) {
        try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:group-roles:\(roles.groupApp)"])
        for group in [roles.groupApp, roles.groupReader] where try !roleExists(group) {
            try run("CREATE ROLE \(try quoted(group)) NOLOGIN")
            changes.append(SeedChange(kind: .created, object: "role \(group)"))
        }
        try grantGroupPrivileges(&changes)
        for (role, group, access) in [(roles.app, roles.groupApp, "app"), (roles.reader, roles.groupReader, "reader")] {
            var fixes: [String] = []
            let created = try !roleExists(role)
            if created {
                try run("CREATE ROLE \(try quoted(role)) NOLOGIN INHERIT")
            }
            if try run("SELECT pg_has_role($1, $2, 'MEMBER')", [role, group]).scalar != "t" {
                try run("GRANT \(try quoted(group)) TO \(try quoted(role))")
                fixes.append("member of \(group)")
            }
            let mapped = try run(
                """
                INSERT INTO crm.crm_tenant_roles (tenant_id, role_name, access) VALUES ($1, $2, $3)
                ON CONFLICT (role_name) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, access = EXCLUDED.access
                WHERE (crm_tenant_roles.tenant_id, crm_tenant_roles.access) IS DISTINCT FROM (EXCLUDED.tenant_id, EXCLUDED.access)
                RETURNING role_name
                """, [tenantID, role, access])
            if !mapped.rows.isEmpty { fixes.append("acts for tenant \(plan.tenant.slug)") }
            if created {
                changes.append(SeedChange(kind: .created, object: "role \(role) (\(fixes.joined(separator: ", ")))"))
            } else if !fixes.isEmpty {
                changes.append(SeedChange(kind: .updated, object: "role \(role) (\(fixes.joined(separator: ", ")))"))
            }
        }
    }

    /// The group roles' privileges on every table, view and sequence of schema crm (but the engine's own),
    /// granted only where missing so that a re-seed changes nothing. One query finds what is missing.
    private func grantGroupPrivileges(_ changes: inout [SeedChange]) throws(SeedError) {
        let missing = try run(
            """
            WITH wanted (role, relname, kind, privilege) AS (
                SELECT g.role, c.relname, c.relkind::text, p.privilege
                  FROM pg_class c
                 CROSS JOIN (VALUES ($1, 'app'), ($2, 'reader')) AS g (role, access)
                 CROSS JOIN LATERAL unnest(CASE
                        WHEN c.relkind = 'S' THEN CASE WHEN g.access = 'app' THEN ARRAY['USAGE'] ELSE ARRAY[]::text[] END
                        WHEN c.relkind = 'v' OR c.relname = 'crm_tenants' OR g.access = 'reader' THEN ARRAY['SELECT']
                        ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] END) AS p (privilege)
                 WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'v', 'S')
                   AND c.relname NOT IN ('schema_migrations', 'crm_tenant_roles')
            )
            SELECT role, relname, kind, string_agg(privilege, ', ' ORDER BY privilege)
              FROM wanted
             WHERE CASE WHEN kind = 'S' THEN NOT has_sequence_privilege(role, 'crm.' || quote_ident(relname), privilege)
                        ELSE NOT has_table_privilege(role, 'crm.' || quote_ident(relname), privilege) END
             GROUP BY role, relname, kind
            UNION ALL
            SELECT g, NULL, 'schema', 'USAGE' FROM unnest(ARRAY[$1, $2]) AS g WHERE NOT has_schema_privilege(g, 'crm', 'USAGE')
            UNION ALL
            SELECT g, NULL, 'function', 'EXECUTE' FROM unnest(ARRAY[$1, $2]) AS g
             WHERE NOT has_function_privilege(g, 'crm.current_tenant_id(name)', 'EXECUTE')
            ORDER BY 1, 2
            """, [roles.groupApp, roles.groupReader])
        for row in missing.rows {
            let role = try quoted(row[0] ?? "")
            switch row[2] {
            case "schema": try run("GRANT USAGE ON SCHEMA crm TO \(role)")
            case "function": try run("GRANT EXECUTE ON FUNCTION crm.current_tenant_id(name) TO \(role)")
            case "S": try run("GRANT USAGE ON SEQUENCE crm.\(try quoted(row[1] ?? "")) TO \(role)")
            default: try run("GRANT \(row[3] ?? "SELECT") ON crm.\(try quoted(row[1] ?? "")) TO \(role)")
            }
        }
        if !missing.rows.isEmpty {
            changes.append(
                SeedChange(kind: .updated, object: "privileges of \(roles.groupApp) and \(roles.groupReader) (\(missing.rows.count) grant(s))"))
        }
    }

    private func roleExists(_ role: String) throws(SeedError) -> Bool {
        try run("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).rows.count == 1
    }

    // MARK: - Pipelines and stages

    private func syncPipelines(tenantID: String, _ changes: inout [SeedChange]) throws(SeedError) {
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
            changes.append(SeedChange(kind: .removed, object: "pipeline \(row[0] ?? "")"))
        }
        // Pipelines that stop being a vertical's default go first, so the one-default-per-vertical index never
        // sees two defaults while the flag moves from one pipeline to another.
        for pipeline in plan.pipelines.filter({ !$0.isDefault }) + plan.pipelines.filter(\.isDefault) {
            let values: [String?] = [
                tenantID, pipeline.key, pipeline.name, pipeline.type, pipeline.vertical?.rawValue, Self.number(pipeline.slaResponseHours),
                pipeline.isDefault ? "true" : "false",
            ]
            let pipelineID: String
            if let id = try run(
                """
                INSERT INTO crm.crm_pipelines (tenant_id, key, name, type, vertical, sla_response_hours, is_default)
                VALUES ($1, $2, $3, $4, $5, $6::numeric(8, 2), $7::boolean) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id
                """, values
            ).scalar {
                changes.append(SeedChange(kind: .created, object: "pipeline \(pipeline.key)"))
                pipelineID = id
            } else {
                let updated = try run(
                    """
                    UPDATE crm.crm_pipelines SET name = $3, type = $4, vertical = $5, sla_response_hours = $6::numeric(8, 2), is_default = $7::boolean
                     WHERE tenant_id = $1 AND key = $2
                       AND (name, type, vertical, sla_response_hours, is_default) IS DISTINCT FROM ($3, $4, $5, $6::numeric(8, 2), $7::boolean)
                    RETURNING id
                    """, values)
                if !updated.rows.isEmpty { changes.append(SeedChange(kind: .updated, object: "pipeline \(pipeline.key)")) }
                pipelineID = try run("SELECT id FROM crm.crm_pipelines WHERE tenant_id = $1 AND key = $2", [tenantID, pipeline.key]).scalar ?? ""
            }
            try syncStages(of: pipeline, pipelineID: pipelineID, tenantID: tenantID, &changes)
        }
    }

    private func syncStages(of pipeline: PipelineConfig, pipelineID: String, tenantID: String, _ changes: inout [SeedChange])
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
            try run("DELETE FROM crm.crm_stages WHERE tenant_id = $1 AND pipeline_id = $2 AND key = $3", [tenantID, pipelineID, row[0]])
            changes.append(SeedChange(kind: .removed, object: "stage \(pipeline.key).\(row[0] ?? "")"))
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
                changes.append(SeedChange(kind: .created, object: "stage \(pipeline.key).\(stage.key)"))
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
            if !updated.rows.isEmpty { changes.append(SeedChange(kind: .updated, object: "stage \(pipeline.key).\(stage.key)")) }
        }
    }

    // MARK: - Settings

    private func upsertSettings(tenantID: String, _ changes: inout [SeedChange]) throws(SeedError) {
        let values: [String?] = [tenantID, plan.scoringJSON, plan.automationJSON, plan.webhooksJSON]
        if !(try run(
            "INSERT INTO crm.crm_tenant_settings (tenant_id, scoring, automation, webhooks) VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb) ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id",
            values
        ).rows.isEmpty) {
            changes.append(SeedChange(kind: .created, object: "settings (scoring, automation, webhooks)"))
            return
        }
        let updated = try run(
            """
            UPDATE crm.crm_tenant_settings SET scoring = $2::jsonb, automation = $3::jsonb, webhooks = $4::jsonb, updated_at = now()
             WHERE tenant_id = $1 AND (scoring, automation, webhooks) IS DISTINCT FROM ($2::jsonb, $3::jsonb, $4::jsonb)
            RETURNING tenant_id
            """, values)
        if !updated.rows.isEmpty { changes.append(SeedChange(kind: .updated, object: "settings (scoring, automation, webhooks)")) }
    }

    // MARK: - Helpers

    @discardableResult
    private func run(_ sql: String, _ parameters: [String?] = []) throws(SeedError) -> QueryResult {
        do { return try connection.query(sql, parameters) } catch { throw .database(error) }
    }

    private func quoted(_ identifier: String) throws(SeedError) -> String {
        do { return try connection.quoteIdentifier(identifier) } catch { throw .database(error) }
    }

    /// Numbers as PostgreSQL reads them: no exponent, no trailing ".0".
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
