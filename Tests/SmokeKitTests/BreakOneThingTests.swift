import Foundation
import Postgres
import TestSupport
import Testing

/// For each check: a freshly onboarded tenant with exactly that one thing broken fails exactly that check, with a fix
/// that names what to run; every other check passes (or, where it needs what was broken, is skipped saying which
/// check reports it). The dashboards are skipped throughout: no Metabase here.
@Suite struct BreakOneThingTests {
    /// Skipped in these tests: no Metabase and no Redis configured (REDIS_URL unset by the fixture).
    static let dashboards: Set<String> = [
        "dashboards.collection", "dashboards.cards", "redis.queue", "redis.isolation", "redis.admin",
    ]
    static let isolation: Set<String> = [
        "isolation.insert", "isolation.visibility", "isolation.foreign-write", "isolation.set-config",
        "isolation.reader-readonly",
    ]

    struct Breakage: Sendable, CustomTestStringConvertible {
        var check: String
        /// What the failure's fix must say.
        var fix: String
        /// Checks that need what was broken, skipped with a reason.
        var skipped: Set<String> = []
        var apply: @Sendable (inout SmokeFixture) throws -> Void
        var testDescription: String { check }
    }

    static func sql(_ statement: @escaping @Sendable (SmokeFixture) -> String)
        -> @Sendable (inout SmokeFixture) throws
        -> Void
    {
        { fixture in try fixture.owner().query(statement(fixture)) }
    }

    static func write(_ relative: String, _ text: String) -> @Sendable (inout SmokeFixture) throws -> Void {
        { fixture in try text.write(toFile: fixture.automation + "/" + relative, atomically: true, encoding: .utf8) }
    }

    static let breakages: [Breakage] = [
        Breakage(
            check: "config.pack", fix: "rg-crm config check --tenant mrdj",
            skipped: [
                "config.tenant-row", "db.seed", "templates.current", "templates.check", "templates.tokens",
                "workflows.lint", "workflows.files",
            ]
        ) { fixture in
            let copy = try TestPaths.temporaryDirectory("configs")
            try FileManager.default.copyItem(atPath: fixture.configDirectory + "/mrdj", toPath: copy + "/mrdj")
            try #"{"pipelines": 5}"#.write(toFile: copy + "/mrdj/crm.json", atomically: true, encoding: .utf8)
            fixture.configDirectory = copy
        },
        Breakage(
            check: "config.tenant-row", fix: "rg-crm db seed --tenant mrdj",
            apply: sql { _ in "UPDATE crm.crm_tenants SET domain = 'elsewhere.example.com' WHERE slug = 'mrdj'" }),
        Breakage(
            check: "db.migrations", fix: "never edit an applied migration",
            apply: sql { _ in "UPDATE crm.schema_migrations SET checksum = repeat('0', 64) WHERE version = 3" }),
        Breakage(
            check: "db.tenant", fix: "rg-crm db seed --tenant mrdj",
            skipped: isolation.union(["config.tenant-row", "db.seed", "db.current-tenant"]),
            apply: sql { _ in "DELETE FROM crm.crm_tenants WHERE slug = 'mrdj'" }),
        Breakage(
            check: "db.seed", fix: "rg-crm db seed --tenant mrdj --dry-run",
            apply: sql { _ in
                "DELETE FROM crm.crm_stages WHERE id = (SELECT id FROM crm.crm_stages ORDER BY sequence DESC LIMIT 1)"
            }),
        Breakage(
            check: "db.roles", fix: "rg-crm db seed --tenant mrdj", skipped: isolation.union(["db.current-tenant"]),
            apply: sql { "ALTER ROLE \($0.database.rolePrefix)_mrdj_app RENAME TO \($0.database.rolePrefix)_mrdj_gone" }
        ),
        Breakage(
            check: "db.grants", fix: "rg-crm db seed --tenant mrdj",
            apply: sql { "REVOKE SELECT ON crm.crm_automation_runs FROM \($0.database.rolePrefix)__tenant_app" }),
        Breakage(
            check: "db.rls.enabled", fix: "ENABLE ROW LEVEL SECURITY",
            apply: sql { _ in "ALTER TABLE crm.crm_activities DISABLE ROW LEVEL SECURITY" }),
        Breakage(
            check: "db.rls.forced", fix: "FORCE ROW LEVEL SECURITY",
            apply: sql { _ in "ALTER TABLE crm.crm_deals NO FORCE ROW LEVEL SECURITY" }),
        Breakage(
            check: "db.rls.policies", fix: "CREATE POLICY tenant_isolation ON crm.crm_activities",
            apply: sql { _ in "DROP POLICY tenant_isolation ON crm.crm_activities" }),
        Breakage(
            check: "db.current-tenant", fix: "rg-crm db seed --tenant mrdj", skipped: isolation,
            apply: sql { "DELETE FROM crm.crm_tenant_roles WHERE role_name = '\($0.database.rolePrefix)_mrdj_app'" }),
        Breakage(
            check: "isolation.reader-readonly", fix: "REVOKE INSERT, UPDATE, DELETE, TRUNCATE",
            apply: sql { "GRANT INSERT ON crm.crm_contacts TO \($0.database.rolePrefix)_mrdj_reader" }),
        Breakage(check: "templates.current", fix: "--force overwrites hand edits") { fixture in
            let file = fixture.automation + "/templates/sms/payment_reminder.txt"
            try (String(contentsOfFile: file, encoding: .utf8) + "\nTot snel!\n").write(
                toFile: file, atomically: true, encoding: .utf8)
        },
        Breakage(check: "templates.check", fix: "rg-crm templates check --tenant mrdj") { fixture in
            // A copy of a cloned e-mail whose logo is fetched over plain http: a new file, so the clone is still current.
            let email = fixture.automation + "/templates/email/"
            let text = try String(contentsOfFile: email + "lead_welcome.mjml", encoding: .utf8)
            try text.replacingOccurrences(of: "src=\"https://", with: "src=\"http://").write(
                toFile: email + "planted.mjml", atomically: true, encoding: .utf8)
        },
        Breakage(
            check: "templates.tokens", fix: "tenant.json",
            apply: write("templates/sms/planted.txt", "Groeten van {{brand.nickname}}\n")),
        Breakage(check: "workflows.lint", fix: "rg-crm lint") { fixture in
            let workflows = fixture.automation + "/workflows/"
            try FileManager.default.copyItem(
                atPath: workflows + "lead_intake.yaml", toPath: workflows + "planted_copy.yaml")
        },
        Breakage(check: "workflows.files", fix: "rg-crm templates clone --tenant mrdj --to") { fixture in
            try FileManager.default.removeItem(atPath: fixture.automation + "/workflows/post_event_care.yaml")
        },
    ]

    @Test(arguments: breakages)
    func breakingOneThingFailsExactlyItsCheck(_ breakage: Breakage) throws {
        try SmokeFixture.with { original in
            var fixture = original
            try breakage.apply(&fixture)
            let report = try fixture.smoke()
            #expect(report.status == 1, "\(report)")
            #expect(report.ids("fail") == [breakage.check], "\(report)")
            #expect(report.ids("error") == [], "\(report)")
            #expect(report.ids("skip") == Self.dashboards.union(breakage.skipped), "\(report)")
            let failure = report.result(breakage.check)
            #expect(failure?.message?.isEmpty == false)
            #expect(failure?.remediation?.contains(breakage.fix) == true, "\(failure?.remediation ?? "no fix")")
            for id in breakage.skipped {
                #expect(report.result(id)?.message?.hasSuffix(")") == true, "\(id) says which check reports it")
            }
        }
    }

    @Test func aServerThatDoesNotAnswerFailsDbServerAndSkipsWhatNeedsIt() throws {
        try SmokeFixture.with { fixture in
            var arguments = fixture.smokeArguments(["--format", "json"])
            arguments[arguments.firstIndex(of: fixture.database.url)!] = "postgresql://rgcrm@127.0.0.1:1/none"
            let report = try SmokeReport(TestProcess.run(TestPaths.executable, arguments))
            #expect(report.status == 1)
            #expect(report.ids("fail") == ["db.server"], "\(report)")
            #expect(report.result("db.server")?.remediation?.contains("--database-url") == true)
            #expect(report.ids("error") == [])
            let needsServer = report.results.map(\.id).filter {
                ($0.hasPrefix("db.") && $0 != "db.server") || $0.hasPrefix("isolation.") || $0 == "config.tenant-row"
            }
            #expect(report.ids("skip") == Self.dashboards.union(needsServer), "\(report)")
        }
    }

    @Test func aFreshlySeededAndClonedTenantPassesEveryCheck() throws {
        try SmokeFixture.with { fixture in
            let report = try fixture.smoke()
            #expect(report.status == 0, "\(report)")
            #expect(report.ids("fail").isEmpty && report.ids("error").isEmpty, "\(report)")
            #expect(report.ids("skip") == Self.dashboards, "\(report)")
            #expect(report.results.count == 27)
            #expect(report.manual.count == 15)
        }
    }
}
