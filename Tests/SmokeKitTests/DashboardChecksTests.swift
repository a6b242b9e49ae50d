import Foundation
import TestSupport
import Testing

/// The dashboards group against the fake Metabase, the tenant imported with `rg-crm dashboards import`: an imported
/// tenant passes both checks; one thing broken in Metabase fails exactly the matching check, with a fix; smoke
/// sends no POST but the query runs.
@Suite struct DashboardChecksTests {
    let root = TestPaths.packageRoot.path

    /// A fake Metabase with the tenant's database, and the environment that reaches it with an API key.
    struct Metabase {
        let fake: FakeMetabase
        let state: String
        var environment: [String: String?] {
            [
                "METABASE_URL": fake.baseURL, "METABASE_API_KEY": fake.apiKey, "METABASE_USER": nil,
                "METABASE_PASSWORD": nil, "NO_COLOR": "1",
            ]
        }

        init(database: String = "rentguy-crm-mrdj") throws {
            fake = try FakeMetabase()
            _ = fake.addDatabase(name: database)
            state = try TestPaths.temporaryDirectory("smoke-dash")
        }

        func importDashboards(_ extra: [String] = []) throws {
            let result = try RGCRMProcess.run(
                ["dashboards", "import", "--tenant", "mrdj", "--state-dir", state] + extra, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
        }

        /// `smoke --only dashboards`: these checks need no database.
        func smoke(_ extra: [String] = [], environment more: [String: String?] = [:]) throws -> SmokeReport {
            try SmokeReport(
                RGCRMProcess.run(
                    ["smoke", "--tenant", "mrdj", "--only", "dashboards", "--format", "json"] + extra,
                    environment: environment.merging(more) { $1 }))
        }

        /// Every request after the first `skipping` was a GET or a query run (`POST /api/card/:id/query`): smoke
        /// changed nothing.
        func onlyReadsAndQueryRuns(after skipping: Int) -> Bool {
            fake.requests.dropFirst(skipping).allSatisfy {
                $0.method == "GET"
                    || ($0.method == "POST"
                        && $0.path.range(of: #"^/api/card/[0-9]+/query$"#, options: .regularExpression) != nil)
            }
        }
    }

    @Test func anImportedTenantPassesEveryCheckAndSmokeOnlyRunsQueries() throws {
        let metabase = try Metabase()
        try metabase.importDashboards()
        let importRequests = metabase.fake.requests.count
        try SmokeFixture.with("smoke-dash") { fixture in
            let report = try fixture.smoke(environment: metabase.environment)
            #expect(report.status == 0, "\(report)")
            #expect(
                report.ids("fail").isEmpty && report.ids("skip").allSatisfy { $0.hasPrefix("redis.") }
                    && report.ids("error").isEmpty, "\(report)")
            #expect(report.result("dashboards.collection")?.message == "'CRM / Mr. DJ': 3 dashboards")
            #expect(report.result("dashboards.cards")?.message == "9 cards ran on 'rentguy-crm-mrdj'", "\(report)")
        }
        #expect(metabase.fake.requests.dropFirst(importRequests).filter { $0.method == "POST" }.count == 9)
        #expect(metabase.onlyReadsAndQueryRuns(after: importRequests))
    }

    @Test func aUserAndPasswordSignInOnceForBothChecks() throws {
        let metabase = try Metabase()
        try metabase.importDashboards()
        let imported = metabase.fake.requests.count
        metabase.fake.delay = 0.2  // both checks ask at once while the first login is under way
        let report = try metabase.smoke(
            environment: [
                "METABASE_API_KEY": nil, "METABASE_USER": metabase.fake.user,
                "METABASE_PASSWORD": metabase.fake.password,
            ])
        #expect(report.status == 0 && report.ids("pass") == ["dashboards.collection", "dashboards.cards"], "\(report)")
        let logins = metabase.fake.requests.dropFirst(imported).filter { $0.path == "/api/session" }
        #expect(logins.count == 1)
        #expect(
            !report.raw.stdout.contains(metabase.fake.password) && !report.raw.stderr.contains(metabase.fake.password))
    }

    @Test func aFailingQueryFailsOnlyTheCardsCheckNamingTheCardAndTheFix() throws {
        let metabase = try Metabase()
        try metabase.importDashboards()
        let imported = metabase.fake.requests.count
        metabase.fake.failQuery(ofCard: "Won revenue", error: "ERROR: column \"amount_cents\" does not exist")
        let report = try metabase.smoke()
        #expect(report.status == 1)
        #expect(report.ids("pass") == ["dashboards.collection"], "\(report)")
        let cards = try #require(report.result("dashboards.cards"))
        #expect(cards.status == "fail")
        #expect(
            cards.message?.hasPrefix("card 'Won revenue' (Revenue per Package, card ") == true
                && cards.message?.hasSuffix(": query failed: ERROR: column \"amount_cents\" does not exist") == true,
            "\(report)")
        #expect(
            cards.remediation
                == "fix the card's SQL in ops/metabase/dashboards/crm (or the crm view it reads), then rg-crm dashboards import --tenant mrdj"
        )
        #expect(metabase.onlyReadsAndQueryRuns(after: imported))
    }

    @Test func aCardOnAnotherDatabaseFailsTheOwnConnectionCheck() throws {
        let metabase = try Metabase()
        try metabase.importDashboards()
        let imported = metabase.fake.requests.count
        let shared = metabase.fake.addDatabase(name: "rentguy-crm-shared")
        metabase.fake.moveCard(named: "SLA attainment", toDatabase: shared)
        let report = try metabase.smoke()
        #expect(report.status == 1)
        #expect(report.ids("pass") == ["dashboards.collection"], "\(report)")
        let cards = try #require(report.result("dashboards.cards"))
        #expect(
            cards.message?.hasPrefix("card 'SLA attainment' (Automation SLA, card ") == true
                && cards.message?.hasSuffix(" runs on 'rentguy-crm-shared', not the tenant's 'rentguy-crm-mrdj'")
                    == true,
            "\(report)")
        #expect(cards.remediation?.hasPrefix("rg-crm dashboards import --tenant mrdj puts every card back on") == true)
        #expect(metabase.onlyReadsAndQueryRuns(after: imported))
    }

    @Test func cardsImportedOntoASharedDatabaseFailAndAConfiguredTenantDatabasePasses() throws {
        // Imported with --shared-database: every card runs on a database all tenants share.
        let shared = try Metabase(database: "rentguy-crm-shared")
        try shared.importDashboards(["--shared-database", "rentguy-crm-shared"])
        let onShared = try shared.smoke()
        #expect(onShared.ids("fail") == ["dashboards.cards"], "\(onShared)")
        #expect(onShared.result("dashboards.cards")?.message?.contains("not the tenant's 'rentguy-crm-mrdj'") == true)
        // Imported with --database-name: smoke is told the same name.
        let named = try Metabase(database: "crm mrdj (reader)")
        try named.importDashboards(["--database-name", "crm mrdj (reader)"])
        #expect(try named.smoke().ids("fail") == ["dashboards.cards"])
        let told = try named.smoke(["--metabase-database", "crm mrdj (reader)"])
        #expect(told.status == 0 && told.ids("pass") == ["dashboards.collection", "dashboards.cards"], "\(told)")
    }

    @Test func aMissingDashboardFailsTheExistenceCheck() throws {
        let metabase = try Metabase()
        try metabase.importDashboards()
        metabase.fake.deleteDashboard(named: "Automation SLA")
        let report = try metabase.smoke()
        #expect(report.status == 1)
        #expect(report.ids("pass") == ["dashboards.cards"], "\(report)")
        let collection = try #require(report.result("dashboards.collection"))
        #expect(collection.message == "collection 'CRM / Mr. DJ' lacks the dashboard(s) 'Automation SLA'")
        #expect(collection.remediation == "rg-crm dashboards import --tenant mrdj")
    }

    @Test func aTenantNeverImportedFailsTheExistenceCheckAndSkipsTheCards() throws {
        let metabase = try Metabase()
        let report = try metabase.smoke()
        #expect(report.status == 1)
        #expect(report.result("dashboards.collection")?.message == "Metabase has no collection 'CRM / Mr. DJ'")
        #expect(report.result("dashboards.cards")?.status == "skip", "\(report)")
        #expect(metabase.fake.count("POST") == 0)
    }

    @Test func withoutMetabaseURLBothAreSkippedWithTheReasonAndWithoutCredentialsBothFail() throws {
        let metabase = try Metabase()
        let unset = try metabase.smoke(environment: ["METABASE_URL": nil])
        #expect(unset.status == 0)
        #expect(unset.ids("skip") == ["dashboards.collection", "dashboards.cards"] && unset.ids("pass").isEmpty)
        #expect(unset.results.allSatisfy { $0.message == "METABASE_URL not set" })

        let noKey = try metabase.smoke(environment: ["METABASE_API_KEY": nil])
        #expect(noKey.status == 1)
        #expect(noKey.ids("fail") == ["dashboards.collection", "dashboards.cards"], "\(noKey)")
        #expect(
            noKey.results.allSatisfy { $0.message?.hasPrefix("no Metabase credentials: set METABASE_API_KEY") == true })
        #expect(metabase.fake.requests.isEmpty)
    }
}
