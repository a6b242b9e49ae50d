import Foundation
import MigrationKit
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// Role names that no prefix and slug can make ambiguous: pure, no server.
@Suite struct TenantRoleNameTests {
    @Test func theIssuesCollisionsNeedAPrefixThatIsNowRefused() throws {
        // rg + beta_acme and rg_beta + acme both gave rg_beta_acme_app; rg_ + tenant gave the group role rg__tenant_app.
        #expect(TenantRoles(prefix: "rg", slug: try Slug("beta_acme")).app == "rg_beta_acme_app")
        for prefix in [
            "rg_beta", "rg_", "_rg", "r_g", "rg__tenant", "pg", "Rg", "1rg", "rg-x", "",
            String(repeating: "a", count: 17), "rgé",
        ] {
            #expect(!TenantRoles.isValidPrefix(prefix), "\(prefix)")
        }
        for prefix in ["rg", "r", "rgstaging", "t1a2b3c4", String(repeating: "a", count: 16)] {
            #expect(TenantRoles.isValidPrefix(prefix), "\(prefix)")
        }
    }

    /// Every valid prefix over {a, b, g, p, r, 1} up to 3 characters and every valid slug over {a, b, t, _} up to 5:
    /// each name has one (prefix, slug, access), no tenant name is any prefix's group name, and the prefix, slug and
    /// access are read back from the name as TenantRoles' comment says.
    @Test func everyNameHasOneOwnerAndNoTenantReachesAGroupRole() throws {
        func strings(_ alphabet: [Character], upTo length: Int) -> [String] {
            var all: [String] = [""]
            var frontier: [String] = [""]
            for _ in 0..<length {
                frontier = frontier.flatMap { word in alphabet.map { word + String($0) } }
                all += frontier
            }
            return all
        }
        let prefixes = Set(strings(["a", "b", "g", "p", "r", "1"], upTo: 3) + ["rg", "tenant", "tenantapp"]).filter(
            TenantRoles.isValidPrefix
        ).sorted()
        let slugs = try Set(
            strings(["a", "b", "t", "_"], upTo: 5) + [
                "tenant", "tenant_app", "tenant_reader", "app", "reader", "a_app", "a_reader", "beta_acme",
            ]
        )
        .filter(Slug.isValid).sorted().map { try Slug($0) }
        var owners: [String: String] = [:]
        var groups: Set<String> = []
        for prefix in prefixes {
            let any = TenantRoles(prefix: prefix, slug: try Slug("ab"))
            groups.formUnion([any.groupApp, any.groupReader])
        }
        for prefix in prefixes {
            for slug in slugs {
                let roles = TenantRoles(prefix: prefix, slug: slug)
                for access in TenantRoles.Access.allCases {
                    let name = roles.role(access)
                    let owner = "\(prefix)/\(slug)/\(access)"
                    if let earlier = owners.updateValue(owner, forKey: name) {
                        Issue.record("\(name) is both \(earlier) and \(owner)")
                    }
                    #expect(!groups.contains(name), "\(owner) reaches group role \(name)")
                    #expect(name.utf8.count <= 63)
                    // Read back: the prefix ends at the first underscore, the access is the last word.
                    let parsedPrefix = name.prefix { $0 != "_" }
                    let parsedAccess = name.hasSuffix("_app") ? "app" : "reader"
                    let parsedSlug = name.dropFirst(parsedPrefix.count + 1).dropLast(parsedAccess.count + 1)
                    #expect("\(parsedPrefix)/\(parsedSlug)/\(parsedAccess)" == owner)
                }
            }
        }
        #expect(owners.count == prefixes.count * slugs.count * 2)
        #expect(prefixes.count > 100 && slugs.count > 300)
        // The longest possible name fits PostgreSQL's 63 bytes, so none is truncated into another.
        let longest = TenantRoles(
            prefix: String(repeating: "p", count: 16), slug: try Slug("s" + String(repeating: "_", count: 30)))
        #expect(longest.reader.utf8.count == 55)
    }
}

/// Tenant roles that rg-crm made, proven by their marker, against the real PostgreSQL.
@Suite struct TenantRoleTests {
    func migrate(_ url: String) throws {
        _ = try Migrator(
            connection: try Connection(conninfo: url),
            migrations: try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
        )
        .migrate()
    }

    func seed(_ database: TenantDatabase, _ slug: String, configs: String, prefix: String? = nil) throws -> SeedReport {
        let pack = try ConfigPack.load(slug: try Slug(slug), configDirectory: configs)
        let plan = try SeedPlan.build(pack: pack, seedDirectory: TestPaths.repository("db/seeds/crm"))
        return try TenantSeeder(
            connection: try Connection(conninfo: database.url), plan: plan, rolePrefix: prefix ?? database.rolePrefix
        ).seed()
    }

    func name(_ database: TenantDatabase) throws -> String {
        try Connection(conninfo: database.url).query("SELECT current_database()::text").scalar ?? ""
    }

    func addContact(_ connection: Connection, slug: String) throws {
        try connection.query(
            "INSERT INTO crm.crm_contacts (tenant_id, email, gdpr_opt_in) SELECT id, $2, true FROM crm.crm_tenants WHERE slug = $1",
            [slug, "klant@\(slug).nl"])
    }

    func state(_ connection: Connection, _ prefix: String) throws -> [[String?]] {
        try connection.query(
            """
            SELECT 'tenant', slug::text, NULL FROM crm.crm_tenants
            UNION ALL SELECT 'mapping', role_name::text, tenant_id::text FROM crm.crm_tenant_roles
            UNION ALL SELECT 'role', rolname::text, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname LIKE $1 AND rolname NOT LIKE '%\\_login\\_%'
            ORDER BY 1, 2
            """, [prefix + "\\_%"]
        ).rows
    }

    @Test func aRoleRGCRMDidNotMakeIsNeverAdopted() throws {
        try TenantDatabase.with("foreignrole") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            let owner = try Connection(conninfo: database.url)
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("acme"))
            // Someone's role with the name acme's app role would get, granted to their login; then the same with
            // a comment that looks like a marker, and with another database's marker.
            try owner.query("CREATE ROLE \(try owner.quoteIdentifier(roles.app)) NOLOGIN")
            let snoop = try database.connect(as: roles.app)
            for comment in [
                nil, "rg-crm tenant role: database=elsewhere, tenant=00000000-0000-0000-0000-000000000000, access=app",
                "made by hand",
            ] {
                let literal = try owner.query("SELECT coalesce(quote_literal($1), 'NULL')", [comment]).scalar!
                try owner.query("COMMENT ON ROLE \(try owner.quoteIdentifier(roles.app)) IS \(literal)")
                let before = try state(owner, database.rolePrefix)
                #expect { try seed(database, "acme", configs: configs) } throws: { error in
                    let text = "\(error)"
                    return text.hasPrefix(
                        "role \(roles.app) already exists but rg-crm cannot prove it is tenant acme's in database ")
                        && text.hasSuffix(
                            "nothing was changed (drop or rename that role, or use another --role-prefix)")
                        && !text.contains("\n")
                }
                #expect(try state(owner, database.rolePrefix) == before)
                #expect(try snoop.query("SELECT has_schema_privilege('crm', 'USAGE')").scalar == "f")
            }
            // A foreign group role is not used either.
            try owner.query("DROP ROLE \(try owner.quoteIdentifier(roles.app))")
            try owner.query("CREATE ROLE \(try owner.quoteIdentifier(roles.groupApp)) LOGIN")
            #expect { try seed(database, "acme", configs: configs) } throws: {
                "\($0)".hasPrefix(
                    "role \(roles.groupApp) already exists but is not an rg-crm group role: it can log in")
            }
            #expect(try owner.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
        }
    }

    @Test func aRoleOfAnotherDatabaseIsNeitherAdoptedNorDropped() throws {
        try TenantDatabase.pair("otherdb") { first, second throws in
            try migrate(first.url)
            try migrate(second.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            let roles = TenantRoles(prefix: first.rolePrefix, slug: try Slug("acme"))
            let firstName = try name(first)
            _ = try seed(first, "acme", configs: configs)
            try addContact(try Connection(conninfo: first.url), slug: "acme")
            let login = try first.connect(as: roles.app)
            #expect(try login.query("SELECT count(*) FROM crm.crm_contacts").scalar == "1")

            // The second database's acme is another tenant: the first's roles are not its, however they are named.
            let secondOwner = try Connection(conninfo: second.url)
            #expect { try seed(second, "acme", configs: configs) } throws: { error in
                "\(error)".hasPrefix(
                    "role \(roles.app) already exists but rg-crm cannot prove it is tenant acme's in database ")
                    && "\(error)".contains("its marker says \"rg-crm tenant role: database=\(firstName),")
            }
            #expect(try secondOwner.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")

            // Seeded there under a prefix of its own, and then mapped to the first's role as the old seed would
            // have left it: removing it drops its own roles only.
            let ownPrefix = first.rolePrefix + "b"
            _ = try seed(second, "acme", configs: configs, prefix: ownPrefix)
            for role in [roles.app, roles.app + "x"] {
                try secondOwner.query(
                    "INSERT INTO crm.crm_tenant_roles (tenant_id, role_name, access) SELECT id, $1, 'app' FROM crm.crm_tenants",
                    [role])
            }
            try secondOwner.query("CREATE ROLE \(try secondOwner.quoteIdentifier(roles.app + "x")) NOLOGIN")
            let report = try TenantDirectory(connection: secondOwner).remove(try Slug("acme"))
            #expect(report.droppedRoles == ["\(ownPrefix)_acme_app", "\(ownPrefix)_acme_reader"])
            #expect(report.keptRoles.map(\.role) == [roles.app, roles.app + "x"])
            #expect(
                report.keptRoles.first?.reason.hasPrefix("its marker says \"rg-crm tenant role: database=\(firstName),")
                    == true)
            #expect(report.keptRoles.last?.reason == "it has no rg-crm marker; drop it by hand if nothing else uses it")
            // The first database's tenant still works through its roles.
            #expect(try login.query("SELECT count(*) FROM crm.crm_contacts").scalar == "1")
            #expect(
                try secondOwner.query("SELECT count(*) FROM pg_roles WHERE rolname = $1", [roles.app]).scalar == "1")
        }
    }

    @Test func rolesMadeBeforeMarkersAreMarkedWhenThisDatabaseMapsThemToTheTenant() throws {
        try TenantDatabase.with("legacy") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copies(as: ["acme", "other"])
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("acme"))
            _ = try seed(database, "acme", configs: configs)
            _ = try seed(database, "other", configs: configs)
            let owner = try Connection(conninfo: database.url)
            for role in [roles.app, roles.reader, roles.groupApp, roles.groupReader] {
                try owner.query("COMMENT ON ROLE \(try owner.quoteIdentifier(role)) IS NULL")
            }
            let report = try seed(database, "acme", configs: configs)
            let databaseName = try name(database)
            #expect(
                report.changes.filter { $0.action != .unchanged } == [
                    Change(.update, "role", roles.groupApp, detail: "marked as rg-crm's group role"),
                    Change(.update, "role", roles.groupReader, detail: "marked as rg-crm's group role"),
                    Change(.update, "role", roles.app, detail: "marked as tenant acme's in database \(databaseName)"),
                    Change(
                        .update, "role", roles.reader, detail: "marked as tenant acme's in database \(databaseName)"),
                ])
            #expect(try seed(database, "acme", configs: configs).unchanged)

            // An unmarked role this database maps to another tenant is that tenant's: never moved to acme.
            try owner.query("COMMENT ON ROLE \(try owner.quoteIdentifier(roles.app)) IS NULL")
            try owner.query("DELETE FROM crm.crm_tenant_roles WHERE role_name = $1", [roles.app])
            try owner.query(
                "INSERT INTO crm.crm_tenant_roles (tenant_id, role_name, access) SELECT id, $1, 'app' FROM crm.crm_tenants WHERE slug = 'other'",
                [roles.app])
            #expect { try seed(database, "acme", configs: configs) } throws: {
                "\($0)".contains(": this database maps it to tenant other with access app; nothing was changed")
            }
            // And the mapping itself cannot be repointed, by anyone.
            #expect {
                try owner.query(
                    "UPDATE crm.crm_tenant_roles SET tenant_id = (SELECT id FROM crm.crm_tenants WHERE slug = 'acme') WHERE role_name = $1",
                    [roles.app])
            } throws: {
                "\($0)".contains("cannot be moved to another tenant")
            }
        }
    }

    /// What an offboarding that missed the roles (the old `tenant remove --role-prefix zz`) left behind, with its
    /// login still granted, is not picked up by the next tenant of that slug.
    @Test func leftoverRolesOfARemovedTenantAreNotReused() throws {
        try TenantDatabase.with("leftover") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("acme"))
            _ = try seed(database, "acme", configs: configs)
            let owner = try Connection(conninfo: database.url)
            let oldID = try owner.query("SELECT id::text FROM crm.crm_tenants").scalar!
            let login = try database.connect(as: roles.app)
            try owner.query("DELETE FROM crm.crm_tenants")
            for unmarked in [false, true] {
                if unmarked { try owner.query("COMMENT ON ROLE \(try owner.quoteIdentifier(roles.app)) IS NULL") }
                #expect { try seed(database, "acme", configs: configs) } throws: { error in
                    let text = "\(error)"
                    return text.hasPrefix(
                        "role \(roles.app) already exists but rg-crm cannot prove it is tenant acme's")
                        && (unmarked
                            ? text.contains("it has no rg-crm marker") : text.contains("tenant=\(oldID), access=app"))
                }
                #expect(try owner.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
            }
            try owner.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('acme', 'Acme', 'acme.example.nl')")
            #expect(try login.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
        }
    }

    /// The race two databases' seeds run on the cluster's roles, made certain: the second seed's CREATE ROLE
    /// waits on the first's uncommitted one, which then commits.
    @Test func aSeedThatLosesTheRoleRaceToAnotherDatabaseFinishes() throws {
        try TenantDatabase.pair("rolerace") { first, second throws in
            try migrate(second.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            let roles = TenantRoles(prefix: first.rolePrefix, slug: try Slug("acme"))
            let other = try Connection(conninfo: first.url)
            try other.query("BEGIN")
            try other.query("CREATE ROLE \(try other.quoteIdentifier(roles.groupApp)) NOLOGIN")
            try other.query(
                "COMMENT ON ROLE \(try other.quoteIdentifier(roles.groupApp)) IS 'rg-crm group role: access=app'")
            let result = LockedErrors()
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                do { _ = try seed(second, "acme", configs: configs) } catch { result.append("\(error)") }
                done.signal()
            }
            // Wait until the seed is blocked on the uncommitted role (at most 20 s), then commit it.
            let watcher = try Connection(conninfo: first.url)
            var waited = 0
            let secondName = try name(second)
            while try watcher.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [secondName]
            ).scalar == "0" && waited < 200 {
                usleep(100_000)
                waited += 1
            }
            #expect(waited < 200, "the seed never waited on the other transaction's role")
            try other.query("COMMIT")
            done.wait()
            #expect(result.all.isEmpty, "\(result.all)")
            #expect(
                try Connection(conninfo: second.url).query("SELECT count(*) FROM crm.crm_tenant_roles").scalar == "2")
        }
    }

    @Test func seedsInTwoDatabasesOfOneClusterRunConcurrently() throws {
        for round in 1...3 {
            try TenantDatabase.pair("concurrent\(round)") { first, second throws in
                try migrate(first.url)
                try migrate(second.url)
                let configs = try ConfigFixtures.copies(as: ["acme", "other"])
                // Different tenants: both succeed, whoever creates the shared group roles.
                let errors = LockedErrors()
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    do {
                        _ = try seed(index == 0 ? first : second, index == 0 ? "acme" : "other", configs: configs)
                    } catch { errors.append("\(error)") }
                }
                #expect(errors.all.isEmpty, "round \(round): \(errors.all)")
                // The same slug in both: one gets the roles, the other is refused by name, never a unique violation.
                let same = LockedErrors()
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    do { _ = try seed(index == 0 ? first : second, "mrdj", configs: configs) } catch {
                        same.append("\(error)")
                    }
                }
                #expect(same.all.count == 1, "round \(round): \(same.all)")
                // (Which of the two roles it names depends on when the other seed committed.)
                #expect(
                    same.all.allSatisfy {
                        $0.hasPrefix("role \(first.rolePrefix)_mrdj_app already exists but rg-crm cannot prove")
                            || $0.hasPrefix(
                                "role \(first.rolePrefix)_mrdj_reader already exists but rg-crm cannot prove")
                    }, "\(same.all)")
            }
        }
    }

    @Test func aTenantRoleGetsNoMoreThanTheAppNeeds() throws {
        try TenantDatabase.with("leastpriv") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "other")
            _ = try seed(database, "mrdj", configs: configs)
            _ = try seed(database, "other", configs: configs)
            let owner = try Connection(conninfo: database.url)
            let mine = try TenantTests().addBusiness(owner, slug: "mrdj")
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("mrdj"))
            let otherRoles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("other"))
            let webhooks = try owner.query(
                "SELECT string_agg(webhooks::text, ',' ORDER BY tenant_id) FROM crm.crm_tenant_settings"
            ).scalar

            for role in [roles.app, roles.reader] {
                let session = try database.connect(as: role)
                // Settings and the tenant row are the platform's: read, never written.
                #expect(
                    try session.query("SELECT count(*) FROM crm.crm_tenant_settings WHERE webhooks ? 'teams_sales'")
                        .scalar == "1")
                for write in [
                    "UPDATE crm.crm_tenant_settings SET webhooks = '{\"x\": {\"channel\": \"teams\", \"secret_ref\": \"vault://evil\"}}'",
                    "DELETE FROM crm.crm_tenant_settings",
                    "INSERT INTO crm.crm_tenant_settings (tenant_id) VALUES ('\(mine["tenant"]!)')",
                    "UPDATE crm.crm_tenants SET name = 'x'",
                ] {
                    #expect(throws: PostgresError.self, "\(role): \(write)") { try session.query(write) }
                }
                // It learns no other tenant's id by naming that tenant's role, before or after SET ROLE.
                #expect(try session.query("SELECT crm.current_tenant_id($1)::text", [otherRoles.app]).scalar == nil)
                #expect(try session.query("SELECT crm.current_tenant_id(CURRENT_USER)::text").scalar == mine["tenant"])
                try session.query("SET ROLE \(try session.quoteIdentifier(role))")
                #expect(try session.query("SELECT crm.current_tenant_id($1)::text", [otherRoles.reader]).scalar == nil)
                #expect(try session.query("SELECT crm.current_tenant_id($1)::text", ["postgres"]).scalar == nil)
                // No sequence: nextval would burn and count every tenant's ids.
                for call in [
                    "SELECT nextval('crm.crm_deal_stage_history_id_seq')",
                    "SELECT last_value FROM crm.crm_deal_stage_history_id_seq",
                    "SELECT setval('crm.crm_deal_stage_history_id_seq', 1)",
                ] {
                    #expect(throws: PostgresError.self, "\(role): \(call)") { try session.query(call) }
                }
            }
            #expect(
                try owner.query(
                    "SELECT string_agg(webhooks::text, ',' ORDER BY tenant_id) FROM crm.crm_tenant_settings"
                ).scalar == webhooks)

            // What the app does need still works: a deal moved to another stage records its history.
            let app = try database.connect(as: roles.app)
            let history = try app.query("SELECT count(*) FROM crm.crm_deal_stage_history").scalar
            #expect(
                try app.query("UPDATE crm.crm_deals SET stage = 'onderhandeling' WHERE id = $1", [mine["deal"]])
                    .affectedRows == 1)
            #expect(
                try app.query("SELECT count(*) FROM crm.crm_deal_stage_history").scalar == String(Int(history!)! + 1))

            // A database seeded by the old code: the group held write and sequence privileges. Even so the policy
            // refuses writes to settings, and the next seed revokes them.
            try owner.query(
                "GRANT INSERT, UPDATE, DELETE ON crm.crm_tenant_settings TO \(try owner.quoteIdentifier(roles.groupApp))"
            )
            try owner.query(
                "GRANT USAGE ON SEQUENCE crm.crm_deal_stage_history_id_seq TO \(try owner.quoteIdentifier(roles.groupApp))"
            )
            #expect(try app.query("UPDATE crm.crm_tenant_settings SET webhooks = '{}'").affectedRows == 0)
            let reseed = try seed(database, "mrdj", configs: configs)
            #expect(
                reseed.changes.filter { $0.action != .unchanged }
                    == [Change(.update, "privileges", "\(roles.groupApp), \(roles.groupReader)", detail: "2 revoke(s)")]
            )
            #expect(throws: PostgresError.self) { try app.query("UPDATE crm.crm_tenant_settings SET webhooks = '{}'") }
            #expect(throws: PostgresError.self) { try app.query("SELECT nextval('crm.crm_deal_stage_history_id_seq')") }
            #expect(try seed(database, "mrdj", configs: configs).unchanged)
        }
    }

    @Test func theSeederItselfRefusesAPrefixThatCouldCollide() throws {
        try TenantDatabase.with("libprefix") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            for prefix in [database.rolePrefix + "_beta", database.rolePrefix + "_", "pg"] {
                #expect { try seed(database, "acme", configs: configs, prefix: prefix) } throws: {
                    "\($0)".hasPrefix("role prefix '\(prefix)' must be 1 to 16 lowercase letters or digits")
                }
            }
            #expect(try Connection(conninfo: database.url).query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
        }
    }

    /// A table a later migration adds without row-level security, or a view that runs with its owner's rights,
    /// would show every tenant's rows: the group roles get nothing on them, and lose what they were given.
    @Test func onlyWhatRowLevelSecurityGuardsIsGranted() throws {
        try TenantDatabase.with("rlsonly") { database throws in
            try migrate(database.url)
            let owner = try Connection(conninfo: database.url)
            try owner.query("CREATE TABLE crm.crm_unguarded (tenant_id uuid, note text)")
            try owner.query("CREATE TABLE crm.crm_half_guarded (tenant_id uuid, note text)")
            try owner.query("ALTER TABLE crm.crm_half_guarded ENABLE ROW LEVEL SECURITY")
            try owner.query("CREATE VIEW crm.owner_rights_leads AS SELECT tenant_id, source FROM crm.crm_leads")
            let configs = try ConfigFixtures.copy(as: "acme")
            _ = try seed(database, "acme", configs: configs)
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("acme"))
            func privileges() throws -> [[String?]] {
                try owner.query(
                    """
                    SELECT c.relname::text, g.role FROM pg_class c CROSS JOIN unnest(ARRAY[$1, $2]) AS g (role)
                     WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'v', 'S')
                       AND (has_table_privilege(g.role, c.oid, 'SELECT') OR has_table_privilege(g.role, c.oid, 'INSERT')
                            OR (c.relkind = 'S' AND has_sequence_privilege(g.role, c.oid, 'USAGE')))
                       AND c.relname IN ('crm_unguarded', 'crm_half_guarded', 'owner_rights_leads', 'crm_tenant_roles', 'schema_migrations',
                                         'crm_deal_stage_history_id_seq')
                    """, [roles.groupApp, roles.groupReader]
                ).rows
            }
            #expect(try privileges().isEmpty)
            try owner.query(
                "GRANT SELECT ON crm.crm_unguarded, crm.owner_rights_leads TO \(try owner.quoteIdentifier(roles.groupReader))"
            )
            let reseed = try seed(database, "acme", configs: configs)
            #expect(
                reseed.changes.filter { $0.action != .unchanged }
                    == [Change(.update, "privileges", "\(roles.groupApp), \(roles.groupReader)", detail: "2 revoke(s)")]
            )
            #expect(try privileges().isEmpty)
            // What RLS guards is still granted.
            #expect(
                try owner.query("SELECT has_table_privilege($1, 'crm.crm_leads', 'INSERT')", [roles.groupApp]).scalar
                    == "t")
            #expect(
                try owner.query("SELECT has_table_privilege($1, 'crm.crm_segments', 'SELECT')", [roles.groupReader])
                    .scalar == "t")
        }
    }

    @Test func listingAndRemovingWithoutTheSchemaSayToMigrate() throws {
        try TenantDatabase.with("noschema2") { database throws in
            let directory = TenantDirectory(connection: try Connection(conninfo: database.url))
            #expect { try directory.list() } throws: {
                "\($0)"
                    == "the CRM schema is not there or not up to date (crm.crm_tenants is missing): run rg-crm db migrate first"
            }
            #expect { try directory.remove(try Slug("acme")) } throws: {
                "\($0)".hasSuffix("is missing): run rg-crm db migrate first")
            }
        }
    }

    @Test func aRoleThatCannotBeDroppedIsExplainedInOneLineAndNothingIsRemoved() throws {
        try TenantDatabase.with("inuse2") { database throws in
            try migrate(database.url)
            let configs = try ConfigFixtures.copy(as: "acme")
            _ = try seed(database, "acme", configs: configs)
            let owner = try Connection(conninfo: database.url)
            let roles = TenantRoles(prefix: database.rolePrefix, slug: try Slug("acme"))
            try owner.query("GRANT SELECT ON crm.crm_leads, crm.crm_deals TO \(try owner.quoteIdentifier(roles.app))")
            #expect { try TenantDirectory(connection: owner).remove(try Slug("acme")) } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("role \(roles.app) cannot be dropped: privileges for table crm.crm_")
                    && text.contains("; privileges for table crm.crm_") && !text.contains("\n")
            }
            #expect(try owner.query("SELECT count(*) FROM crm.crm_tenants").scalar == "1")
            #expect(try owner.query("SELECT count(*) FROM pg_roles WHERE rolname = $1", [roles.reader]).scalar == "1")
        }
    }
}
