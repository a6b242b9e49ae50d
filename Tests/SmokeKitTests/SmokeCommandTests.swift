import Foundation
import Postgres
import TestSupport
import Testing

/// `rg-crm smoke` as a user runs it: changes nothing, tenants side by side, exit codes, the four formats.
@Suite struct SmokeCommandTests {
    /// Everything smoke could change: the schema's catalog (relations, privileges, row-level security, policies,
    /// functions), the cluster's roles of this test (attributes, comments, memberships), every table's row count,
    /// every sequence's position, and the tenant's cloned files (names, sizes, modification times).
    static func snapshot(_ fixture: SmokeFixture) throws -> [String] {
        let connection = try fixture.owner()
        var lines: [String] = []
        let catalog = try connection.query(
            """
            SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '') || ' '
                   || c.relrowsecurity || c.relforcerowsecurity || ' ' || coalesce(array_to_string(c.reloptions, ','), '')
              FROM pg_class c WHERE c.relnamespace = 'crm'::regnamespace
            UNION ALL
            SELECT 'policy ' || p.polrelid::regclass || '.' || p.polname || ' ' || p.polcmd::text || ' ' || p.polroles::text || ' '
                   || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'crm'::regnamespace
            UNION ALL
            SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) || ' ' || coalesce(p.proacl::text, '')
              FROM pg_proc p WHERE p.pronamespace = 'crm'::regnamespace
            UNION ALL
            SELECT 'role ' || r.rolname || ' ' || r.rolcanlogin || r.rolsuper || r.rolinherit || ' '
                   || coalesce(shobj_description(r.oid, 'pg_authid'), '')
              FROM pg_roles r WHERE r.rolname LIKE $1
            UNION ALL
            SELECT 'member ' || g.rolname || ' > ' || m.rolname
              FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
             WHERE g.rolname LIKE $1 OR m.rolname LIKE $1 OR m.rolname = current_user
            UNION ALL
            SELECT 'namespace ' || n.nspname || ' ' || coalesce(n.nspacl::text, '') FROM pg_namespace n WHERE n.nspname = 'crm'
            """, [fixture.database.rolePrefix + "%"])
        lines += catalog.rows.compactMap { $0[0] }
        let tables = try connection.query(
            "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1"
        )
        for row in tables.rows {
            let name = try connection.quoteIdentifier(row[0] ?? "")
            let value =
                row[1] == "S"
                ? try connection.query("SELECT last_value::text || is_called::text FROM crm.\(name)").scalar
                : try connection.query("SELECT count(*)::text FROM crm.\(name)").scalar
            lines.append("rows \(row[0] ?? "") \(value ?? "")")
        }
        let root = (fixture.automation as NSString).deletingLastPathComponent
        for path in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
            lines.append(
                "file \(path) \(attributes[.size] ?? "") \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
            )
        }
        return lines.sorted()
    }

    @Test func smokeChangesNothing() throws {
        try SmokeFixture.with { fixture in
            // Rows of the tenant's own to look at, so that the insert the isolation checks try has company.
            let owner = try fixture.owner()
            try owner.query(
                "INSERT INTO crm.crm_contacts (tenant_id, first_name, email) SELECT id, 'Ann', 'ann@example.com' FROM crm.crm_tenants"
            )
            let before = try Self.snapshot(fixture)
            #expect(before.contains { $0.hasPrefix("rows crm_contacts 1") })
            #expect(before.contains { $0.hasPrefix("member ") && $0.contains("_mrdj_app") })
            let report = try fixture.smoke()
            #expect(report.status == 0, "\(report)")
            #expect(report.result("isolation.insert")?.status == "pass")
            let after = try Self.snapshot(fixture)
            #expect(before == after)
            #expect(Set(after).subtracting(before).sorted() == [])
            #expect(Set(before).subtracting(after).sorted() == [])
        }
    }

    /// Two tenants in one database, each with rows of its own, smoked at the same time: both pass, and each sees
    /// the other's rows nowhere (the visibility check has something to find here).
    @Test func twoTenantsSmokedAtOnceDoNotInterfere() throws {
        try SmokeFixture.with { mrdj in
            let acme = try mrdj.another("acme")
            let owner = try mrdj.owner()
            try owner.query(
                """
                INSERT INTO crm.crm_contacts (tenant_id, first_name, email)
                SELECT t.id, 'Contact ' || g, t.slug || g || '@example.com' FROM crm.crm_tenants t, generate_series(1, 20) g
                """)
            let first = try TestProcess.start(TestPaths.executable, mrdj.smokeArguments(["--format", "json"]))
            let second = try TestProcess.start(TestPaths.executable, acme.smokeArguments(["--format", "json"]))
            let reports = try [SmokeReport(first.wait()), SmokeReport(second.wait())]
            for report in reports {
                #expect(report.status == 0, "\(report)")
                #expect(report.ids("fail").isEmpty && report.ids("error").isEmpty, "\(report)")
                #expect(report.result("isolation.visibility")?.status == "pass")
            }
        }
    }

    /// A policy that opens a table to every tenant is found by the visibility check (and by db.rls.policies).
    @Test func aLeakingPolicyIsFound() throws {
        try SmokeFixture.with { mrdj in
            let acme = try mrdj.another("acme")
            let owner = try mrdj.owner()
            try owner.query(
                "INSERT INTO crm.crm_contacts (tenant_id, first_name) SELECT id, 'Bob' FROM crm.crm_tenants WHERE slug = 'acme'"
            )
            try owner.query("CREATE POLICY leak ON crm.crm_contacts FOR SELECT USING (true)")
            let report = try mrdj.smoke()
            #expect(report.status == 1)
            #expect(
                report.ids("fail") == ["db.rls.policies", "isolation.visibility", "isolation.set-config"], "\(report)")
            #expect(report.result("isolation.visibility")?.message?.contains("crm.crm_contacts") == true)
        }
    }

    @Test func exitCodesAndTheTextReport() throws {
        try SmokeFixture.with { fixture in
            let text = try TestProcess.run(TestPaths.executable, fixture.smokeArguments())
            #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
            #expect(text.stdout.contains("smoke mrdj: 22 passed, 0 failed, 5 skipped\n"))
            #expect(text.stdout.contains("\ndb\n  ✓ db.server  the database server answers ("))
            #expect(text.stdout.contains("  – dashboards.cards"))
            #expect(
                text.stdout.contains(
                    "manual (UAT sign-off):\n  [ ] 1.2  Provisioning run; namespace and secrets created / "))
            #expect(text.stdout.contains("(security officer)"))

            let only = try TestProcess.run(
                TestPaths.executable, fixture.smokeArguments(["--only", "db", "--only", "config"]))
            #expect(
                only.status == 0 && only.stdout.contains("smoke mrdj: 12 passed, 0 failed, 0 skipped"), "\(only.stdout)"
            )

            func status(_ arguments: [String]) throws -> CommandResult {
                try TestProcess.run(TestPaths.executable, fixture.smokeArguments(arguments))
            }
            for bad in [
                ["--retry-timeout", "soon"], ["--sleep", "1x"], ["--concurrency", "0"], ["--only", "nope"],
                ["--timeout", "0s"],
            ] {
                let result = try status(bad)
                #expect(result.status == 2, "\(bad): \(result.stderr)")
                #expect(result.stderr.hasPrefix("rg-crm: error: ") && result.stderr.split(separator: "\n").count == 1)
            }
            var unknown = fixture.smokeArguments()
            unknown[unknown.firstIndex(of: "mrdj")!] = "nosuchtenant"
            let missing = try TestProcess.run(TestPaths.executable, unknown)
            #expect(
                missing.status == 2 && missing.stderr.contains("unknown tenant 'nosuchtenant'"), "\(missing.stderr)")
            var badURL = fixture.smokeArguments()
            badURL[badURL.firstIndex(of: fixture.database.url)!] = "postgresql://h:notaport/x"
            #expect(try TestProcess.run(TestPaths.executable, badURL).status == 2)
            let noChecklist = try status(["--checklist", "/nonexistent/checklist.md"])
            #expect(noChecklist.status == 2 && noChecklist.stderr.contains("QA checklist"))
        }
    }

    /// A tenant still coming up: smoke with --retry-timeout keeps re-running the failing check until the missing
    /// workflow file arrives, then exits 0.
    @Test func retryTimeoutWaitsForATenantThatIsComingUp() throws {
        try SmokeFixture.with { fixture in
            let file = fixture.automation + "/workflows/post_event_care.yaml"
            let saved = try Data(contentsOf: URL(fileURLWithPath: file))
            try FileManager.default.removeItem(atPath: file)
            let running = try TestProcess.start(
                TestPaths.executable,
                fixture.smokeArguments(["--format", "json", "--retry-timeout", "60s", "--sleep", "100ms"]))
            usleep(1_500_000)
            try saved.write(to: URL(fileURLWithPath: file))
            let report = try SmokeReport(running.wait())
            #expect(report.status == 0, "\(report)")
            #expect(report.result("workflows.files")?.status == "pass")
        }
    }

    @Test(.enabled(if: TestRequirements.python("xmlschema")))
    func junitTapAndJSONReports() throws {
        try SmokeFixture.with { fixture in
            let directory = try TestPaths.temporaryDirectory("smoke-report")
            let junit = directory + "/smoke.xml"
            let result = try TestProcess.run(
                TestPaths.executable, fixture.smokeArguments(["--format", "junit", "--output", junit]))
            #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stderr)")
            #expect(result.stderr.contains("smoke mrdj: 22 passed, 0 failed, 5 skipped"))
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("<testsuite name=\"isolation\" tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"0\""))
            #expect(xml.components(separatedBy: "<testsuite ").count - 1 == 7)
            let validation = try Python.run(
                "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
                arguments: [TestPaths.repository("Tests/Schemas/jenkins-junit.xsd"), junit])
            #expect(validation.status == 0, "\(validation.stderr)")

            let tap = try TestProcess.run(TestPaths.executable, fixture.smokeArguments(["--format", "tap"]))
            #expect(tap.stdout.hasPrefix("TAP version 13\n1..27\nok 1 - config.pack: "))
            #expect(
                tap.stdout.contains("ok 24 - dashboards.cards: every card")
                    && tap.stdout.contains("# SKIP METABASE_URL not set"))

            let json = try fixture.smoke()
            #expect(json.manual.first?["id"] as? String == "1.2")
            #expect(json.manual.first?["sign_off"] as? String == "platform engineer")
        }
    }
}
