import Foundation
import MigrationKit
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// Seeds, roles and row-level security against the real PostgreSQL.
@Suite struct TenantTests {
    static let crmTables = [
        "crm_tenants", "crm_contacts", "crm_leads", "crm_pipelines", "crm_stages", "crm_deals", "crm_activities",
        "crm_automation_runs", "crm_deal_stage_history", "crm_tenant_settings",
    ]
    static let views = ["crm_segments", "pipeline_velocity", "revenue_per_package", "automation_sla"]

    func migrate(_ url: String) throws {
        _ = try Migrator(
            connection: try Connection(conninfo: url),
            migrations: try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
        )
        .migrate()
    }

    func seed(
        _ database: TenantDatabase, _ slug: String, configs: String = TestPaths.repository("configs/tenants"),
        dryRun: Bool = false
    ) throws
        -> SeedReport
    {
        let pack = try ConfigPack.load(slug: try Slug(slug), configDirectory: configs)
        let plan = try SeedPlan.build(pack: pack, seedDirectory: TestPaths.repository("db/seeds/crm"))
        return try TenantSeeder(
            connection: try Connection(conninfo: database.url), plan: plan, rolePrefix: database.rolePrefix
        ).seed(dryRun: dryRun)
    }

    func counts(_ connection: Connection) throws -> [String: String] {
        var counts: [String: String] = [:]
        for table in Self.crmTables + ["crm_tenant_roles"] {
            counts[table] = try connection.query("SELECT count(*) FROM crm.\(table)").scalar
        }
        return counts
    }

    /// A contact, lead, deal (moved once, so it has stage history), activity and automation run for a tenant.
    func addBusiness(_ connection: Connection, slug: String) throws -> [String: String] {
        let tenant = try connection.query("SELECT id FROM crm.crm_tenants WHERE slug = $1", [slug]).scalar!
        let pipeline = try connection.query(
            "SELECT id FROM crm.crm_pipelines WHERE tenant_id = $1 AND key = 'wedding_sales'", [tenant]
        ).scalar!
        let contact = try connection.query(
            "INSERT INTO crm.crm_contacts (tenant_id, email, gdpr_opt_in) VALUES ($1, $2, true) RETURNING id",
            [tenant, "bruid@\(slug).nl"]
        ).scalar!
        let lead = try connection.query(
            "INSERT INTO crm.crm_leads (tenant_id, contact_id, source) VALUES ($1, $2, 'website') RETURNING id",
            [tenant, contact]
        ).scalar!
        let deal = try connection.query(
            "INSERT INTO crm.crm_deals (tenant_id, contact_id, pipeline_id, stage, value, package, status) VALUES ($1, $2, $3, 'nieuwe_lead', 4500, 'Gold', 'won') RETURNING id",
            [tenant, contact, pipeline]
        ).scalar!
        try connection.query(
            "UPDATE crm.crm_deals SET stage = 'offerte_uitgebracht' WHERE tenant_id = $1 AND id = $2", [tenant, deal])
        try connection.query(
            "INSERT INTO crm.crm_activities (tenant_id, deal_id, contact_id, activity_type) VALUES ($1, $2, $3, 'call')",
            [tenant, deal, contact])
        try connection.query(
            "INSERT INTO crm.crm_automation_runs (tenant_id, trigger, workflow_id, deal_id, status, sla_hours, completed_at) VALUES ($1, 'lead.created', 'lead_intake', $2, 'succeeded', 4, now())",
            [tenant, deal])
        return ["tenant": tenant, "contact": contact, "lead": lead, "deal": deal, "pipeline": pipeline]
    }

    @Test func seedingTwiceChangesNothingTheSecondTime() throws {
        try TenantDatabase.with("seed2") { database throws in
            try migrate(database.url)
            let first = try seed(database, "mrdj")
            #expect(first.changes.contains(Change(.create, "tenant", "mrdj")))
            let connection = try Connection(conninfo: database.url)
            let before = try counts(connection)
            let xmins = try connection.query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM crm.crm_stages")
                .scalar
            let second = try seed(database, "mrdj")
            #expect(second.unchanged, "\(second.changes)")
            #expect(try counts(connection) == before)
            // Not even rewritten: the rows' transaction ids are the first run's.
            #expect(
                try connection.query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM crm.crm_stages").scalar
                    == xmins)
        }
    }

    @Test func eachVerticalSeedsItsOwnPipelineAndCRMJSONOverrides() throws {
        try TenantDatabase.with("verticals") { database throws in
            try migrate(database.url)
            _ = try seed(database, "mrdj")
            let connection = try Connection(conninfo: database.url)
            let pipelines = try connection.query(
                "SELECT p.key, p.vertical, p.is_default::text, count(s.*) FROM crm.crm_pipelines p JOIN crm.crm_stages s ON s.pipeline_id = p.id GROUP BY 1, 2, 3 ORDER BY 1"
            )
            #expect(
                pipelines.rows == [
                    ["corporate_events", "corporate", "true", "9"], ["festival_productions", "festival", "true", "10"],
                    ["wedding_sales", "wedding", "true", "10"],
                ])
            let wedding = try connection.query(
                "SELECT s.name, s.sla_hours::text, coalesce(s.automation_flow, '') FROM crm.crm_stages s JOIN crm.crm_pipelines p ON p.id = s.pipeline_id WHERE p.key = 'wedding_sales' ORDER BY s.sequence"
            )
            #expect(
                wedding.rows.map { $0[0]! } == [
                    "Nieuwe Lead", "Oriëntatie Gesprek", "Offerte Uitgebracht", "Onderhandeling", "Deal Gesloten",
                    "Project Gereed", "Event Planning",
                    "Event Uitgevoerd", "Facturatie", "Afgerond",
                ])
            // mrdj's crm.json answers new leads within 4 hours; the wedding vertical's default is 24.
            #expect(wedding.rows[0][1] == "4.00")
            #expect(
                try connection.query(
                    "SELECT sla_hours::text FROM crm.crm_stages s JOIN crm.crm_pipelines p ON p.id = s.pipeline_id WHERE p.key = 'corporate_events' AND s.key = 'nieuwe_lead'"
                ).scalar == "8.00")
            #expect(
                wedding.rows.map { $0[2]! }.filter { !$0.isEmpty } == [
                    "lead_intake", "proposal_followup", "post_event_care",
                ])
            let settings = try connection.query(
                "SELECT automation->>'lead.created', jsonb_array_length(scoring), webhooks ? 'teams_sales' FROM crm.crm_tenant_settings"
            )
            #expect(settings.rows == [["[\"lead_intake\"]", "4", "t"]])
        }
    }

    @Test func aRenamedStageIsUpdatedInPlaceAndAnAddedOneInserted() throws {
        try TenantDatabase.with("rename") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            _ = try seed(database, "acme", configs: configs)
            let connection = try Connection(conninfo: database.url)
            let business = try addBusiness(connection, slug: "acme")
            let stageID = try connection.query(
                "SELECT id FROM crm.crm_stages WHERE tenant_id = $1 AND key = 'offerte_uitgebracht' AND pipeline_id = $2",
                [business["tenant"], business["pipeline"]]
            ).scalar

            var crm = try ConfigFixtures.read("configs/tenants/mrdj/crm.json")
            var pipelines = crm["pipelines"] as! [[String: Any]]
            var stages = pipelines[0]["stages"] as! [[String: Any]]
            stages[2]["name"] = "Offerte Verstuurd"
            stages.insert(["key": "aanbetaling", "name": "Aanbetaling Ontvangen", "sla_hours": 48], at: 5)
            pipelines[0]["stages"] = stages
            crm["pipelines"] = pipelines
            try ConfigFixtures.write(crm, to: "\(configs)/acme/crm.json")

            let report = try seed(database, "acme", configs: configs)
            #expect(report.changes.contains(Change(.update, "stage", "wedding_sales.offerte_uitgebracht")))
            #expect(report.changes.contains(Change(.create, "stage", "wedding_sales.aanbetaling")))
            #expect(!report.changes.contains { $0.action == .delete })
            let renamed = try connection.query(
                "SELECT id, name, sequence FROM crm.crm_stages WHERE key = 'offerte_uitgebracht' AND pipeline_id = $1",
                [business["pipeline"]])
            #expect(renamed.rows == [[stageID, "Offerte Verstuurd", "3"]])
            #expect(
                try connection.query(
                    "SELECT sequence FROM crm.crm_stages WHERE key = 'afgerond' AND pipeline_id = $1",
                    [business["pipeline"]]
                ).scalar == "11")
            // The deal in that stage is untouched.
            #expect(
                try connection.query("SELECT stage FROM crm.crm_deals WHERE id = $1", [business["deal"]]).scalar
                    == "offerte_uitgebracht")
        }
    }

    @Test func removingAStageThatDealsUseIsRefusedAndChangesNothing() throws {
        try TenantDatabase.with("inuse") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            _ = try seed(database, "acme", configs: configs)
            let connection = try Connection(conninfo: database.url)
            _ = try addBusiness(connection, slug: "acme")
            let before = try counts(connection)

            var crm = try ConfigFixtures.read("configs/tenants/mrdj/crm.json")
            var pipelines = crm["pipelines"] as! [[String: Any]]
            var stages = pipelines[0]["stages"] as! [[String: Any]]
            stages.remove(at: 2)  // offerte_uitgebracht, where the deal is
            stages[0]["name"] = "Binnengekomen"
            pipelines[0]["stages"] = stages
            crm["pipelines"] = pipelines
            try ConfigFixtures.write(crm, to: "\(configs)/acme/crm.json")

            #expect { try seed(database, "acme", configs: configs) } throws: {
                "\($0)".hasPrefix(
                    "stage 'offerte_uitgebracht' of pipeline 'wedding_sales' is used by 1 deal(s) and cannot be removed"
                )
            }
            #expect(try counts(connection) == before)
            #expect(
                try connection.query(
                    "SELECT name FROM crm.crm_stages WHERE key = 'nieuwe_lead' AND tenant_id = (SELECT id FROM crm.crm_tenants WHERE slug = 'acme') AND pipeline_id = (SELECT id FROM crm.crm_pipelines WHERE key = 'wedding_sales' AND tenant_id = (SELECT id FROM crm.crm_tenants WHERE slug = 'acme'))"
                ).scalar == "Nieuwe Lead")
        }
    }

    @Test func dryRunReportsButWritesNothing() throws {
        try TenantDatabase.with("dryseed") { database throws in
            try migrate(database.url)
            // On a connection the test keeps: after the dry run no transaction is open and no lock is held.
            let seeding = try Connection(conninfo: database.url)
            let pack = try ConfigPack.load(
                slug: try Slug("mrdj"), configDirectory: TestPaths.repository("configs/tenants"))
            let seeder = TenantSeeder(
                connection: seeding,
                plan: try SeedPlan.build(pack: pack, seedDirectory: TestPaths.repository("db/seeds/crm")),
                rolePrefix: database.rolePrefix)
            let report = try seeder.seed(dryRun: true)
            #expect(report.dryRun && !report.unchanged)
            #expect(seeding.transactionStatus == .idle)
            #expect(
                try seeding.query(
                    "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"
                ).scalar == "0")
            let connection = try Connection(conninfo: database.url)
            #expect(try connection.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
            #expect(
                try connection.query(
                    "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", [database.rolePrefix + "\\_%"]
                ).scalar == "0")

            // The plan is what the real run then does, change for change; and after it, the dry run plans nothing.
            let real = try seed(database, "mrdj")
            #expect(report.changes == real.changes)
            #expect(report.plan.hasChanges && !report.plan.applied && real.plan.applied)
            let again = try seed(database, "mrdj", dryRun: true)
            #expect(!again.plan.hasChanges)
            #expect(again.changes.map(\.identity) == real.changes.map(\.identity))
            #expect(
                Set(again.changes.map(\.kind)) == ["tenant", "role", "privileges", "pipeline", "stage", "settings"])
        }
    }

    /// mrdj and "other" (a copy of mrdj's pack), each with business rows; the owner's connection.
    func twoTenants(_ database: TenantDatabase) throws -> (
        owner: Connection, mine: [String: String], theirs: [String: String]
    ) {
        try migrate(database.url)
        let configs = try ConfigFixtures.copy(as: "other")
        _ = try seed(database, "mrdj", configs: configs)
        _ = try seed(database, "other", configs: configs)
        let owner = try Connection(conninfo: database.url)
        return (owner, try addBusiness(owner, slug: "mrdj"), try addBusiness(owner, slug: "other"))
    }

    @Test func aTenantRoleSeesOnlyItsOwnRowsAndCannotWidenItsView() throws {
        try TenantDatabase.with("rls") { database throws in
            let (owner, mine, theirs) = try twoTenants(database)
            // The owner sees both tenants everywhere.
            for table in Self.crmTables {
                #expect(
                    try owner.query(
                        "SELECT count(DISTINCT \(table == "crm_tenants" ? "id" : "tenant_id")) FROM crm.\(table)"
                    ).scalar == "2", "owner on \(table)")
            }

            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("mrdj"))
            let app = try database.connect(as: roles.app)
            func onlyMine(_ connection: Connection, _ label: String) throws {
                for table in Self.crmTables + Self.views {
                    let column = table == "crm_tenants" ? "id" : "tenant_id"
                    let seen = try connection.query("SELECT DISTINCT \(column)::text FROM crm.\(table)")
                    #expect(seen.rows == [[mine["tenant"]]], "\(label) on crm.\(table): \(seen.rows)")
                }
            }
            try onlyMine(app, "app")
            // The same after SET ROLE to the tenant role itself (the API's way; the policy's direct lookup).
            try app.query("SET ROLE \(try app.quoteIdentifier(roles.app))")
            try onlyMine(app, "app after SET ROLE")

            // Writes carrying the other tenant's id fail; updates of the other tenant's rows touch nothing.
            #expect(throws: PostgresError.self) {
                try app.query(
                    "INSERT INTO crm.crm_leads (tenant_id, source) VALUES ($1, 'website')", [theirs["tenant"]])
            }
            #expect(throws: PostgresError.self) {
                try app.query(
                    "UPDATE crm.crm_leads SET tenant_id = $1 WHERE id = $2", [theirs["tenant"], mine["lead"]])
            }
            #expect(
                try app.query("UPDATE crm.crm_leads SET status = 'lost' WHERE id = $1", [theirs["lead"]]).affectedRows
                    == 0)
            #expect(
                try app.query("DELETE FROM crm.crm_contacts WHERE tenant_id = $1", [theirs["tenant"]]).affectedRows == 0
            )
            // Its own rows it can write.
            #expect(
                try app.query("UPDATE crm.crm_leads SET status = 'contacted' WHERE id = $1", [mine["lead"]])
                    .affectedRows == 1)
            try app.query("INSERT INTO crm.crm_leads (tenant_id, source) VALUES ($1, 'referral')", [mine["tenant"]])

            // No configuration parameter widens the view.
            for setting in [
                "SET app.tenant_id = '\(theirs["tenant"]!)'", "SET app.current_tenant = 'other'",
                "SET search_path = crm, public",
                "SET row_security = on", "SET session_replication_role = DEFAULT",
            ] {
                _ = try? app.query(setting)
                try onlyMine(app, setting)
            }
            // Turning row security off does not show more: PostgreSQL refuses the query instead.
            _ = try? app.query("SET row_security = off")
            #expect(throws: PostgresError.self) { try app.query("SELECT count(*) FROM crm.crm_leads") }
            _ = try? app.query("RESET row_security")
            // Nor can it become the other tenant.
            let otherRoles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("other"))
            #expect(throws: PostgresError.self) { try app.query("SET ROLE \(try app.quoteIdentifier(otherRoles.app))") }
            #expect(throws: PostgresError.self) { try app.query("SELECT * FROM crm.crm_tenant_roles") }

            // The reader reads its own rows and writes nothing.
            let reader = try database.connect(as: roles.reader)
            try onlyMine(reader, "reader")
            for write in [
                "INSERT INTO crm.crm_leads (tenant_id) VALUES ('\(mine["tenant"]!)')",
                "UPDATE crm.crm_leads SET score = 1",
                "DELETE FROM crm.crm_activities", "UPDATE crm.crm_tenants SET name = 'x'",
                "INSERT INTO crm.crm_contacts (tenant_id) VALUES ('\(mine["tenant"]!)')",
            ] {
                #expect(throws: PostgresError.self, "\(write)") { try reader.query(write) }
            }
            // A login that would act for two tenants acts for none.
            let both = try database.connect(as: roles.app, otherRoles.app)
            for table in Self.crmTables + Self.views {
                #expect(
                    try both.query("SELECT count(*) FROM crm.\(table)").scalar == "0",
                    "member of two tenants on \(table)")
            }
            // A role outside every tenant cannot even ask which tenant a role acts for.
            try owner.query("CREATE ROLE \(try owner.quoteIdentifier(database.rolePrefix + "_outsider"))")
            let outsider = try database.connect(as: database.rolePrefix + "_outsider")
            #expect(throws: PostgresError.self) { try outsider.query("SELECT crm.current_tenant_id($1)", [roles.app]) }
            // A tenant role owns nothing.
            let owned = try owner.query(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname LIKE $1",
                [database.rolePrefix + "\\_%"])
            #expect(owned.scalar == "0")
        }
    }

    @Test func removingOneTenantLeavesTheOtherUntouched() throws {
        try TenantDatabase.with("remove") { database throws in
            let (owner, mine, _) = try twoTenants(database)
            func mrdjCounts() throws -> [String] {
                try Self.crmTables.map { table in
                    try owner.query(
                        "SELECT count(*) FROM crm.\(table) WHERE \(table == "crm_tenants" ? "id" : "tenant_id") = $1",
                        [mine["tenant"]]
                    ).scalar ?? ""
                }
            }
            let before = try mrdjCounts()
            let directory = TenantDirectory(connection: owner)
            let report = try directory.remove(try Slug("other"))
            #expect(report.existed)
            #expect(report.droppedRoles == ["\(database.rolePrefix)_other_app", "\(database.rolePrefix)_other_reader"])
            #expect(try mrdjCounts() == before)
            #expect(try owner.query("SELECT count(*) FROM crm.crm_deals").scalar == "1")
            #expect(try directory.list().map(\.slug) == ["mrdj"])
            // mrdj's roles still work.
            let app = try database.connect(as: TenantRoles(prefix: database.rolePrefix, slug: try Slug("mrdj")).app)
            #expect(try app.query("SELECT count(*) FROM crm.crm_leads").scalar == "1")
            // Again: nothing there, nothing done.
            let again = try directory.remove(try Slug("other"))
            #expect(!again.existed && again.droppedRoles.isEmpty)
        }
    }

    @Test func aTenantCalledTenantDoesNotTakeOverTheGroupRoles() throws {
        try TenantDatabase.with("tenanttenant") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "tenant")
            _ = try seed(database, "mrdj", configs: configs)
            _ = try seed(database, "tenant", configs: configs)
            let owner = try Connection(conninfo: database.url)
            let mine = try addBusiness(owner, slug: "mrdj")
            let app = try database.connect(as: TenantRoles(prefix: database.rolePrefix, slug: try Slug("mrdj")).app)
            #expect(try app.query("SELECT DISTINCT tenant_id::text FROM crm.crm_leads").rows == [[mine["tenant"]]])
            let removed = try TenantDirectory(connection: owner).remove(try Slug("tenant"))
            #expect(
                removed.droppedRoles == ["\(database.rolePrefix)_tenant_app", "\(database.rolePrefix)_tenant_reader"])
            #expect(try app.query("SELECT count(*) FROM crm.crm_leads").scalar == "1")
        }
    }

    @Test func fractionalSLAsReseedUnchangedAndTheDefaultCanMove() throws {
        try TenantDatabase.with("fraction") { database throws in
            try migrate(database.url)
            // Two wedding pipelines with a quarter-hour SLA; `premiumIsDefault` says which one is the default.
            func configs(premiumIsDefault: Bool) throws -> String {
                try ConfigFixtures.copy(as: "acme") { _, crm in
                    var pipelines = crm["pipelines"] as! [[String: Any]]
                    var stages = pipelines[0]["stages"] as! [[String: Any]]
                    stages[0]["sla_hours"] = 0.25
                    pipelines[0]["stages"] = stages
                    pipelines[0]["is_default"] = !premiumIsDefault
                    var premium = pipelines[0]
                    premium["key"] = "wedding_premium"
                    premium["name"] = "Wedding Premium"
                    premium["is_default"] = premiumIsDefault
                    pipelines.append(premium)
                    crm["pipelines"] = pipelines
                }
            }
            let before = try configs(premiumIsDefault: false)
            _ = try seed(database, "acme", configs: before)
            #expect(try seed(database, "acme", configs: before).unchanged)
            // Move the wedding default from wedding_sales to wedding_premium.
            let after = try configs(premiumIsDefault: true)
            let moved = try seed(database, "acme", configs: after)
            #expect(moved.changes.contains(Change(.update, "pipeline", "wedding_premium")))
            let defaults = try Connection(conninfo: database.url).query(
                "SELECT key FROM crm.crm_pipelines WHERE is_default AND vertical = 'wedding'")
            #expect(defaults.rows == [["wedding_premium"]])
        }
    }

    @Test func differentTenantsSeedInParallelOnAFreshDatabase() throws {
        try TenantDatabase.with("parallel") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "other")
            let errors = LockedErrors()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do {
                    _ = try seed(database, index == 0 ? "mrdj" : "other", configs: configs)
                } catch {
                    errors.append("\(error)")
                }
            }
            #expect(errors.all.isEmpty)
            #expect(try Connection(conninfo: database.url).query("SELECT count(*) FROM crm.crm_tenants").scalar == "2")
        }
    }

    /// The seed lock is an advisory lock any session can take (a tenant's own login too), and a tenant login can
    /// lock its tables: a seed or removal waits at most its lock timeout, then says so and changes nothing.
    @Test func aHeldLockStopsSeedAndRemoveAfterTheirTimeoutNotForEver() throws {
        try TenantDatabase.with("locked") { database throws in
            try migrate(database.url)
            _ = try seed(database, "mrdj")
            let holder = try Connection(conninfo: database.url)
            try holder.query("SELECT pg_advisory_lock(hashtextextended('rg-crm:seed:mrdj', 0))")
            let pack = try ConfigPack.load(
                slug: try Slug("mrdj"), configDirectory: TestPaths.repository("configs/tenants"))
            let plan = try SeedPlan.build(pack: pack, seedDirectory: TestPaths.repository("db/seeds/crm"))
            let seeder = TenantSeeder(
                connection: try Connection(conninfo: database.url), plan: plan, rolePrefix: database.rolePrefix,
                lockTimeoutSeconds: 1)
            #expect { try seeder.seed() } throws: {
                "\($0)".hasPrefix(
                    "waited 1 s for a lock held by another session (another seed or removal of tenant mrdj")
            }
            let directory = TenantDirectory(connection: try Connection(conninfo: database.url), lockTimeoutSeconds: 1)
            #expect { try directory.remove(try Slug("mrdj")) } throws: { "\($0)".hasPrefix("waited 1 s for a lock") }
            #expect(try holder.query("SELECT count(*) FROM crm.crm_tenants").scalar == "1")
            try holder.query("SELECT pg_advisory_unlock_all()")
            #expect(try seeder.seed().unchanged)
        }
    }

    @Test func seedingWithoutTheSchemaSaysToMigrate() throws {
        try TenantDatabase.with("noschema") { database throws in
            #expect { try seed(database, "mrdj") } throws: { "\($0)".contains("run rg-crm db migrate first") }
        }
    }
}

@Suite struct SeedPlanTests {
    func pack(verticals: [Vertical], crm: CRMConfig = CRMConfig()) throws -> ConfigPack {
        var tenant = try ConfigPack.load(
            slug: try Slug("mrdj"), configDirectory: TestPaths.repository("configs/tenants")
        ).tenant
        tenant.verticals = verticals
        return ConfigPack(tenant: tenant, crm: crm, directory: "configs/tenants/mrdj")
    }

    @Test func layersAreBaseThenVerticalsThenTheTenant() throws {
        let corporate = try SeedPlan.build(
            pack: try pack(verticals: [.corporate]), seedDirectory: TestPaths.repository("db/seeds/crm"))
        #expect(corporate.pipelines.map(\.key) == ["corporate_events"])
        #expect(corporate.scoring.count == 4)
        #expect(corporate.automation["lead.created"] == ["lead_intake"])

        let override = CRMConfig(
            pipelines: [
                PipelineConfig(
                    key: "corporate_events", name: "Zakelijk", vertical: .corporate, type: "sales", slaResponseHours: 2,
                    isDefault: true, stages: [StageConfig(key: "nieuw", name: "Nieuw", slaHours: 2)])
            ],
            scoring: [ScoringRule(field: "lead.source", op: .eq, value: .string("website"), points: 50)],
            automation: ["lead.created": ["vip_intake"]])
        let merged = try SeedPlan.build(
            pack: try pack(verticals: [.corporate, .festival], crm: override),
            seedDirectory: TestPaths.repository("db/seeds/crm"))
        #expect(merged.pipelines.map(\.key) == ["corporate_events", "festival_productions"])
        #expect(merged.pipelines[0].name == "Zakelijk" && merged.pipelines[0].stages.map(\.key) == ["nieuw"])
        #expect(merged.scoring.first { $0.field == "lead.source" && $0.op == .eq }?.points == 50)
        #expect(merged.scoring.count == 4)
        #expect(merged.automation["lead.created"] == ["vip_intake"])
        #expect(merged.automation["event.completed"] == ["post_event_care"])
    }

    /// Layers merge in time linear in their size: 60,000 scoring rules and 20,000 pipelines, where a search per item
    /// (as before) would compare about two billion pairs and take minutes.
    @Test func largeLayersMergeInLinearTime() throws {
        let stage = StageConfig(key: "nieuw", name: "Nieuw", slaHours: 2)
        let pipelines = (0..<20_000).map {
            PipelineConfig(
                key: "p\($0)", name: "P", vertical: nil, type: "sales", slaResponseHours: 1, isDefault: false,
                stages: [stage])
        }
        let rules = (0..<60_000).map { ScoringRule(field: "lead.f\($0)", op: .eq, value: .int($0), points: 1) }
        let base = CRMConfig(pipelines: pipelines, scoring: rules)
        var override = CRMConfig(
            pipelines: [pipelines[19_999]], scoring: [ScoringRule(field: "lead.f7", op: .eq, value: .int(0), points: 9)]
        )
        override.pipelines[0].name = "Last"
        let plan = try SeedPlan.merge(
            tenant: try pack(verticals: []).tenant, layers: [base, override], tenantFile: "crm.json")
        #expect(plan.pipelines.count == 20_000 && plan.pipelines[19_999].name == "Last")
        #expect(plan.scoring.count == 60_000 && plan.scoring[7].points == 9)
    }

    @Test func aMissingVerticalSeedIsNamed() throws {
        let directory = try TestPaths.temporaryDirectory("seeds")
        try FileManager.default.copyItem(
            atPath: TestPaths.repository("db/seeds/crm/base.json"), toPath: directory + "/base.json")
        #expect { try SeedPlan.build(pack: try pack(verticals: [.festival]), seedDirectory: directory) } throws: {
            "\($0)" == "\(directory)/festival.json: $: no such file"
        }
    }
}
