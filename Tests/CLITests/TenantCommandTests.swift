import Foundation
import Postgres
import TestSupport
import Testing

/// `rg-crm db seed` and `rg-crm tenant …` as a user runs them.
@Suite struct TenantCommandTests {
    func migrated(_ database: TenantDatabase) throws {
        let result = try RGCRMProcess.run(["db", "migrate", "--database-url", database.url])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// A migrated database with tenant acme (a copy of mrdj's pack) seeded; the environment that reaches it.
    func seededAcme(_ database: TenantDatabase) throws -> [String: String] {
        try migrated(database)
        let configs = try ConfigFixtures.copy(as: "acme")
        let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
        let seeded = try RGCRMProcess.run(
            ["db", "seed", "--tenant", "acme", "--config-dir", configs], environment: environment)
        #expect(seeded.status == 0, "\(seeded.stderr)")
        return environment
    }

    @Test func seedThenSeedAgainSaysUnchangedThenListAndRemove() throws {
        try TenantDatabase.with("cliseed") { database throws in
            try migrated(database)
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            let first = try RGCRMProcess.run(["db", "seed", "--tenant", "mrdj"], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.hasPrefix("tenant mrdj: changed "))
            #expect(first.stdout.contains("\n+ create pipeline wedding_sales\n"))
            let second = try RGCRMProcess.run(["db", "seed", "--tenant", "mrdj"], environment: environment)
            #expect(second.status == 0)
            #expect(
                second.stdout.hasPrefix("tenant mrdj: unchanged\nDone: 0 created, 0 updated, 0 deleted, 0 conflicts, "))
            #expect(!second.stdout.contains("= unchanged"))

            let list = try RGCRMProcess.run(["tenant", "list", "--format", "json"], environment: environment)
            let tenants = try #require(
                try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            #expect(tenants.map { $0["slug"] as? String } == ["mrdj"])
            #expect((tenants.first?["rows"] as? [String: Int])?["crm_stages"] == 29)

            let unconfirmed = try RGCRMProcess.run(["tenant", "remove", "mrdj"], environment: environment)
            #expect(unconfirmed.status == 2)
            let mistyped = try RGCRMProcess.run(
                ["tenant", "remove", "mrdj", "--confirm", "mrd"], environment: environment)
            #expect(mistyped.status == 2)
            #expect(try Connection(conninfo: database.url).query("SELECT count(*) FROM crm.crm_tenants").scalar == "1")
            let removed = try RGCRMProcess.run(
                ["tenant", "remove", "mrdj", "--confirm", "mrdj"], environment: environment)
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(removed.stdout.hasPrefix("tenant mrdj: removed (3 pipelines, 29 stages"))
            let again = try RGCRMProcess.run(
                ["tenant", "remove", "mrdj", "--confirm", "mrdj"], environment: environment)
            #expect(again.stdout == "tenant mrdj: not present; nothing removed\n")
        }
    }

    @Test(arguments: ["x'; DROP TABLE crm.crm_tenants; --", "MrDJ", "a", "mr-dj"])
    func anInvalidSlugIsRefusedBeforeAnythingIsSentToTheServer(slug: String) throws {
        let server = try ListeningSocket()
        let url = "postgresql://rgcrm@127.0.0.1:\(server.port)/rgcrm?connect_timeout=2"
        for arguments in [["db", "seed", "--tenant", slug], ["tenant", "remove", slug, "--confirm", slug]] {
            let result = try RGCRMProcess.run(arguments + ["--database-url", url])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("rg-crm: error: invalid tenant slug"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(!server.wasContacted)
        // The detector itself works: a command that does connect is seen.
        _ = try RGCRMProcess.run([
            "db", "status", "--database-url",
            url.replacingOccurrences(of: "connect_timeout=2", with: "connect_timeout=1"),
        ])
        #expect(server.wasContacted)
    }

    @Test func aBadConfigPackIsNamedAndNothingIsWritten() throws {
        try TenantDatabase.with("clibad") { database throws in
            try migrated(database)
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            let unknownVertical = try ConfigFixtures.copy(as: "acme") { tenant, _ in
                tenant["verticals"] = ["wedding", "bruiloft"]
            }
            let badSLA = try ConfigFixtures.copy(as: "acme") { _, crm in
                var pipelines = crm["pipelines"] as! [[String: Any]]
                var stages = pipelines[0]["stages"] as! [[String: Any]]
                stages[2]["sla_hours"] = 0
                pipelines[0]["stages"] = stages
                crm["pipelines"] = pipelines
            }
            let cases: [(String, String)] = [
                (
                    unknownVertical,
                    "/acme/tenant.json: $.verticals[1]: unknown vertical 'bruiloft' (known: wedding, corporate, festival) (line "
                ),
                (badSLA, "/acme/crm.json: $.pipelines[0].stages[2].sla_hours: expected a positive number (line "),
            ]
            for (configs, message) in cases {
                let result = try RGCRMProcess.run(
                    ["db", "seed", "--tenant", "acme", "--config-dir", configs], environment: environment)
                #expect(result.status == 2)
                #expect(result.stderr.contains(message), "\(result.stderr)")
            }
            let connection = try Connection(conninfo: database.url)
            #expect(try connection.query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
            #expect(
                try connection.query(
                    "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", [database.rolePrefix + "\\_%"]
                ).scalar == "0")
        }
    }

    /// The issue's reproductions, as a deployment runs them: real logins granted the tenant roles.
    @Test func aPrefixThatCouldMakeAnotherTenantsRoleNameIsRefused() throws {
        try TenantDatabase.with("clicollide") { database throws in
            try migrated(database)
            let configs = try ConfigFixtures.copies(as: ["acme", "beta_acme", "tenant"])
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            for slug in ["acme", "beta_acme"] {
                let result = try RGCRMProcess.run(
                    ["db", "seed", "--tenant", slug, "--config-dir", configs], environment: environment)
                #expect(result.status == 0, "\(result.stderr)")
            }
            let owner = try Connection(conninfo: database.url)
            try owner.query(
                "INSERT INTO crm.crm_contacts (tenant_id, email) SELECT id, 'klant@acme.nl' FROM crm.crm_tenants WHERE slug = 'acme'"
            )
            let betaLogin = try database.connect(as: "\(database.rolePrefix)_beta_acme_app")
            let mappings = try owner.query(
                "SELECT role_name::text, tenant_id::text FROM crm.crm_tenant_roles ORDER BY 1"
            ).rows

            // <prefix>_beta + acme named <prefix>_beta_acme_app, beta_acme's role; <prefix>_ + tenant named the group role.
            for (prefix, slug) in [
                ("\(database.rolePrefix)_beta", "acme"), ("\(database.rolePrefix)_", "tenant"), ("pg", "acme"),
            ] {
                for arguments in [
                    ["db", "seed", "--tenant", slug, "--config-dir", configs],
                    ["tenant", "remove", slug, "--confirm", slug],
                ] {
                    let result = try RGCRMProcess.run(arguments + ["--role-prefix", prefix], environment: environment)
                    #expect(result.status == 2, "\(arguments) \(prefix): \(result.stdout)")
                    #expect(
                        result.stderr.contains(
                            "role prefix '\(prefix)' must be 1 to 16 lowercase letters or digits, starting with a letter (no underscore)"
                        ), "\(result.stderr)")
                }
            }
            let viaEnvironment = try RGCRMProcess.run(
                ["db", "seed", "--tenant", "acme", "--config-dir", configs],
                environment: ["RG_CRM_ROLE_PREFIX": database.rolePrefix + "_beta", "DATABASE_URL": database.url])
            #expect(viaEnvironment.status == 2)
            #expect(
                try owner.query("SELECT role_name::text, tenant_id::text FROM crm.crm_tenant_roles ORDER BY 1").rows
                    == mappings)
            #expect(try betaLogin.query("SELECT count(*) FROM crm.crm_contacts").scalar == "0")
        }
    }

    @Test func removeDropsTheTenantsOwnRolesWhateverPrefixItIsGiven() throws {
        try TenantDatabase.with("cliremove") { database throws in
            let environment = try seededAcme(database)
            let login = try database.connect(as: "\(database.rolePrefix)_acme_app")
            let removed = try RGCRMProcess.run(
                ["tenant", "remove", "acme", "--confirm", "acme", "--role-prefix", "zz"], environment: environment)
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(
                removed.stdout.hasSuffix(
                    "; dropped roles \(database.rolePrefix)_acme_app, \(database.rolePrefix)_acme_reader\n"),
                "\(removed.stdout)")
            let owner = try Connection(conninfo: database.url)
            #expect(
                try owner.query(
                    "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", [database.rolePrefix + "\\_acme\\_%"]
                ).scalar == "0")
            #expect(throws: PostgresError.self) {
                try login.query("SET ROLE \(try login.quoteIdentifier("\(database.rolePrefix)_acme_app"))")
            }
        }
    }

    @Test func removingARoleSomethingStillUsesFailsInOneLine() throws {
        try TenantDatabase.with("clidepend") { database throws in
            let environment = try seededAcme(database)
            let owner = try Connection(conninfo: database.url)
            try owner.query(
                "GRANT SELECT ON crm.crm_leads, crm.crm_deals, crm.crm_contacts TO \(try owner.quoteIdentifier("\(database.rolePrefix)_acme_reader"))"
            )
            let result = try RGCRMProcess.run(
                ["tenant", "remove", "acme", "--confirm", "acme"], environment: environment)
            #expect(result.status == 1)
            #expect(
                result.stderr.hasPrefix(
                    "rg-crm: error: role \(database.rolePrefix)_acme_reader cannot be dropped: privileges for table crm.crm_"
                ), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(try owner.query("SELECT count(*) FROM crm.crm_tenants").scalar == "1")
        }
    }

    @Test func listAndRemoveOnAnUnmigratedDatabaseSayToMigrate() throws {
        try TestDatabase.with("clinoschema") { url throws in
            for arguments in [
                ["tenant", "list"], ["tenant", "list", "--format", "json"],
                ["tenant", "remove", "acme", "--confirm", "acme"],
            ] {
                let result = try RGCRMProcess.run(arguments + ["--database-url", url])
                #expect(result.status == 1, "\(arguments)")
                #expect(
                    result.stderr.hasPrefix("rg-crm: error: the CRM schema is not there or not up to date ("),
                    "\(result.stderr)")
                #expect(result.stderr.hasSuffix(" is missing): run rg-crm db migrate first\n"), "\(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
        }
    }
}
