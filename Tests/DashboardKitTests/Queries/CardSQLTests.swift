import DashboardKit
import Foundation
import MigrationKit
import Postgres
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// Every card's SQL on the real PostgreSQL with the migrated schema, run as the tenant's reader login (as Metabase's
/// connection for the tenant is): it runs, and it returns what the same query returns over that tenant's rows only.
/// Template variables are filled in as Metabase does: optional clauses dropped without a value, kept with one.
@Suite struct CardSQLTests {
    @Test func templateSubstitutionFollowsMetabase() throws {
        let sql = "SELECT 1 WHERE true [[AND a = {{a}}]] [[AND b < {{b}} + 1]] AND c = {{c}}"
        #expect(try NativeQuery.render(sql, values: ["c": "3"]) == "SELECT 1 WHERE true   AND c = 3")
        #expect(
            try NativeQuery.render(sql, values: ["a": "'x'", "b": "2", "c": "3"])
                == "SELECT 1 WHERE true AND a = 'x' AND b < 2 + 1 AND c = 3")
        #expect(throws: NativeQuery.TemplateError.self) { try NativeQuery.render(sql, values: [:]) }
        #expect(throws: NativeQuery.TemplateError.self) { try NativeQuery.render("[[AND a = {{a}}", values: [:]) }
        #expect(NativeQuery.variables(in: sql) == ["a", "b", "c"])
    }

    @Test func everyCardRunsAsTheTenantsReaderAndSeesOnlyThatTenantsRows() throws {
        #expect(repositoryCards.count == 9)
        try TenantDatabase.with("dashsql") { database throws in
            let owner = try Connection(conninfo: database.url)
            _ = try Migrator(
                connection: owner,
                migrations: try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
            ).migrate()
            let configs = try ConfigFixtures.copy(as: "acme")
            var tenantIDs: [String: String] = [:]
            for (slug, size) in [("mrdj", 3), ("acme", 5)] {
                let pack = try ConfigPack.load(slug: try Slug(slug), configDirectory: configs)
                let plan = try SeedPlan.build(pack: pack, seedDirectory: TestPaths.repository("db/seeds/crm"))
                _ = try TenantSeeder(connection: owner, plan: plan, rolePrefix: database.rolePrefix).seed()
                tenantIDs[slug] = try addActivity(owner, slug: slug, deals: size)
            }
            for (slug, other) in [("mrdj", "acme"), ("acme", "mrdj")] {
                let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug(slug))
                let reader = try database.connect(as: roles.reader)
                let tenant = tenantIDs[slug]!
                let pipeline = try owner.query(
                    "SELECT key FROM crm.crm_pipelines WHERE tenant_id = $1 ORDER BY key LIMIT 1", [tenant]
                ).scalar!
                let filled = [
                    "period_from": "DATE '2000-01-01'", "period_to": "CURRENT_DATE", "pipeline": "'\(pipeline)'",
                ]
                for card in repositoryCards {
                    for values in [[:], filled] {
                        let sql = try NativeQuery.render(card.sql, values: values)
                        let seen = try reader.query(sql)
                        let expected = try owner.query(Self.restricted(sql, toTenant: tenant))
                        #expect(Self.same(seen.rows, expected.rows), "\(slug): \(card.name) \(values.keys.sorted())")
                        #expect(!seen.rows.isEmpty, "\(slug): \(card.name) returned no rows")
                        let text = seen.rows.flatMap { $0 }.compactMap { $0 }.joined(separator: " ")
                        #expect(!text.contains(other), "\(slug): \(card.name) shows \(other)'s rows")
                    }
                }
            }
        }
    }

    /// Deals that move through stages and are won, with packages, pipelines and workflows named after the tenant.
    func addActivity(_ owner: Connection, slug: String, deals: Int) throws -> String {
        let tenant = try owner.query("SELECT id FROM crm.crm_tenants WHERE slug = $1", [slug]).scalar!
        try owner.query("UPDATE crm.crm_pipelines SET name = name || ' ' || $2 WHERE tenant_id = $1", [tenant, slug])
        let pipeline = try owner.query(
            "SELECT id FROM crm.crm_pipelines WHERE tenant_id = $1 ORDER BY key LIMIT 1", [tenant]
        ).scalar!
        let stages = try owner.query(
            "SELECT key FROM crm.crm_stages WHERE tenant_id = $1 AND pipeline_id = $2 ORDER BY sequence",
            [tenant, pipeline]
        ).rows.compactMap { $0[0] }
        let contact = try owner.query(
            "INSERT INTO crm.crm_contacts (tenant_id, email) VALUES ($1, $2) RETURNING id", [tenant, "k@\(slug).nl"]
        ).scalar!
        for index in 0..<deals {
            let deal = try owner.query(
                "INSERT INTO crm.crm_deals (tenant_id, contact_id, pipeline_id, stage, value, package) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                [tenant, contact, pipeline, stages[0], String(1000 + 100 * index), "pkg-\(slug)-\(index % 2)"]
            ).scalar!
            try owner.query(
                "UPDATE crm.crm_deals SET stage = $2 WHERE id = $1",
                [deal, stages[min(1 + index % 2, stages.count - 1)]])
            if index % 2 == 0 {
                try owner.query("UPDATE crm.crm_deals SET status = 'won' WHERE id = $1", [deal])
            }
            try owner.query(
                """
                INSERT INTO crm.crm_automation_runs (tenant_id, trigger, workflow_id, deal_id, status, sla_hours, started_at, completed_at)
                VALUES ($1, 'deal.stage.changed', $2, $3, $4, 4, now() - interval '10 hours', now() - interval '10 hours' + make_interval(hours => $5::int))
                """, [tenant, "wf-\(slug)-\(index % 2)", deal, index == 0 ? "failed" : "succeeded", String(index * 2)])
        }
        // Stays in stages that started in the past, so the period filter has something to cut.
        try owner.query(
            "UPDATE crm.crm_deal_stage_history SET entered_at = entered_at - interval '3 days' WHERE tenant_id = $1",
            [tenant])
        return tenant
    }

    /// The query with each `crm.<relation>` read only for `tenant`: what the tenant's reader should see, computed by
    /// the owner, who sees every tenant.
    static func restricted(_ sql: String, toTenant tenant: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "crm\\.([a-z_]+)")
        let range = NSRange(sql.startIndex..., in: sql)
        return pattern.stringByReplacingMatches(
            in: sql, range: range, withTemplate: "(SELECT * FROM crm.$1 WHERE tenant_id = '\(tenant)') AS $1")
    }

    /// Equal rows; numbers within 0.011 (a stay still open is measured up to now(), a moment apart).
    static func same(_ lhs: [[String?]], _ rhs: [[String?]]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (left, right) in zip(lhs, rhs) {
            guard left.count == right.count else { return false }
            for (a, b) in zip(left, right) where a != b {
                guard let a, let b, let x = Double(a), let y = Double(b), abs(x - y) <= 0.011 else { return false }
            }
        }
        return true
    }
}
