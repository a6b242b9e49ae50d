import DashboardKit
import Foundation
import RGCore
import TestSupport
import Testing

/// The importer against the fake Metabase: the issue's acceptance points, one test each.
@Suite struct ImportTests {
    @Test func anEmptyMetabaseGetsOneCollectionEveryCardAndThreeDashboardsOnTheTenantsDatabase() throws {
        let harness = try ImportHarness()
        let report = try harness.run()
        #expect(report.isolated)
        #expect(report.plan.actions("collection") == [.create])
        #expect(report.plan.actions("card") == Array(repeating: .create, count: repositoryCards.count))
        #expect(report.plan.actions("dashboard") == [.create, .create, .create])
        #expect(harness.fake.collectionNames.sorted() == ["CRM", "Mr. DJ"])

        let cards = harness.fake.cardsByID
        #expect(cards.count == repositoryCards.count)
        #expect(Set(cards.values.compactMap { $0["name"] as? String }) == Set(repositoryCards.map(\.name)))
        let tenantDatabase = try #require(harness.fake.databaseID(named: "rentguy-crm-mrdj"))
        for card in cards.values {
            let query = try #require(card["dataset_query"] as? [String: Any])
            #expect(query["database"] as? Int == tenantDatabase, "\(card["name"] ?? "")")
        }

        let dashboards = harness.fake.dashboardsByID.values
        #expect(
            Set(dashboards.compactMap { $0["name"] as? String }) == [
                "Pipeline Velocity", "Revenue per Package", "Automation SLA",
            ])
        for dashboard in dashboards {
            let dashcards = try #require(dashboard["dashcards"] as? [[String: Any]])
            #expect(dashcards.count == 3)
            for dashcard in dashcards {
                let cardID = try #require(dashcard["card_id"] as? Int)
                #expect(cards[cardID] != nil)
                for mapping in dashcard["parameter_mappings"] as? [[String: Any]] ?? [] {
                    #expect(mapping["card_id"] as? Int == cardID)
                }
            }
            let mapped = dashcards.flatMap { $0["parameter_mappings"] as? [[String: Any]] ?? [] }
            #expect(
                Set(mapped.compactMap { $0["parameter_id"] as? String }) == ["period_from", "period_to", "pipeline"])
        }
        // Tabs honoured: every dashcard of the tabbed dashboard is on one of its tabs.
        let velocity = try #require(dashboards.first { $0["name"] as? String == "Pipeline Velocity" })
        let tabIDs = Set((velocity["tabs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        #expect(tabIDs.count == 2)
        for dashcard in velocity["dashcards"] as? [[String: Any]] ?? [] {
            #expect((dashcard["dashboard_tab_id"] as? Int).map(tabIDs.contains) == true)
        }
        // Cards are placed with PUT, never with the removed POST /api/dashboard/:id/cards.
        #expect(!harness.fake.requests.contains { $0.method == "POST" && $0.path.hasSuffix("/cards") })
    }

    @Test func aSecondImportSendsNoPostAndNoPut() throws {
        let harness = try ImportHarness()
        try harness.run()
        harness.fake.resetCounts()
        let report = try harness.run()
        #expect(!report.plan.hasChanges)
        #expect(harness.fake.count("POST") == 0)
        #expect(harness.fake.count("PUT") == 0)
        #expect(harness.fake.requestCounts.keys.sorted() == ["GET"])
    }

    @Test func aChangedCardIsOnePutInPlace() throws {
        let harness = try ImportHarness()
        let folder = try harness.copyOfDashboards()
        try harness.run(from: folder)
        let before = harness.fake.cardsByID.keys.sorted()
        let file = folder + "/revenue_per_package.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(
            of: "round(avg(value), 2) AS avg_deal_value\\n  FROM crm.won_deals",
            with:
                "round(avg(value), 0) AS avg_deal_value\\n  FROM crm.won_deals"
        ).write(
            toFile: file, atomically: true, encoding: .utf8)
        harness.fake.resetCounts()
        let report = try harness.run(from: folder)
        #expect(harness.fake.count("PUT") == 1)
        #expect(harness.fake.count("POST") == 0)
        #expect(report.plan.changes.filter { $0.action != .unchanged }.map(\.identity) == ["Won revenue"])
        #expect(harness.fake.cardsByID.keys.sorted() == before)
        let put = try #require(harness.fake.requests.last { $0.method == "PUT" })
        #expect(put.path.hasPrefix("/api/card/"))
    }

    @Test func aFailureOnTheSecondCardIsFinishedByTheNextRunWithoutDuplicates() throws {
        let harness = try ImportHarness()
        for nth in 2...4 { harness.fake.inject(.init(method: "POST", pathPrefix: "/api/card", nth: nth, status: 500)) }
        #expect { try harness.run() } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("card \(repositoryCards[1].label): 500 Injected failure") && !text.contains("\n")
                && ExitCategory.of(error) == .failed
        }
        #expect(harness.fake.cardsByID.count == 1)
        try harness.run()
        #expect(harness.fake.cardsByID.count == repositoryCards.count)
        #expect(harness.fake.dashboardsByID.count == 3)
        #expect(harness.fake.collectionNames.count == 2)
        harness.fake.resetCounts()
        #expect(!(try harness.run()).plan.hasChanges)
    }

    @Test func aPostWhoseAnswerIsLostIsLookedUpNotSentTwice() throws {
        let harness = try ImportHarness()
        harness.fake.inject(.init(method: "POST", pathPrefix: "/api/card", nth: 2, status: 502, afterLanding: true))
        harness.fake.inject(.init(method: "POST", pathPrefix: "/api/dashboard", nth: 1, status: 503))
        try harness.run()
        #expect(harness.fake.cardsByID.count == repositoryCards.count)
        #expect(harness.fake.dashboardsByID.count == 3)
        // The card POST that landed was not sent again; the dashboard POST that did not land was.
        #expect(
            harness.fake.requests.filter { $0.method == "POST" && $0.path == "/api/card" }.count
                == repositoryCards.count)
        #expect(harness.fake.requests.filter { $0.method == "POST" && $0.path == "/api/dashboard" }.count == 4)
    }

    @Test func withoutTheStateFileEverythingIsFoundByName() throws {
        let harness = try ImportHarness()
        try harness.run()
        try FileManager.default.removeItem(atPath: harness.statePath)
        harness.fake.resetCounts()
        let report = try harness.run()
        #expect(!report.plan.hasChanges)
        #expect(harness.fake.count("POST") == 0)
        #expect(harness.fake.count("PUT") == 0)
        #expect(harness.fake.cardsByID.count == repositoryCards.count)
        #expect(harness.fake.dashboardsByID.count == 3)
        #expect(FileManager.default.fileExists(atPath: harness.statePath))
    }

    @Test func aCardDeletedInMetabaseIsRecreatedAndPlacedAgain() throws {
        let harness = try ImportHarness()
        try harness.run()
        harness.fake.deleteCard(named: "Won revenue")
        harness.fake.resetCounts()
        let report = try harness.run()
        #expect(harness.fake.count("POST") == 1)
        #expect(harness.fake.count("PUT") == 1)
        #expect(
            report.plan.changes.filter { $0.action != .unchanged }.map(\.identity) == [
                "Won revenue", "Revenue per Package",
            ])
        let revenue = try #require(
            harness.fake.dashboardsByID.values.first { $0["name"] as? String == "Revenue per Package" })
        #expect((revenue["dashcards"] as? [[String: Any]])?.count == 3)
    }

    @Test func aDryRunChangesNothingAndHasChangesOnlyBeforeTheFirstImport() throws {
        let harness = try ImportHarness()
        let before = try harness.run(dryRun: true)
        #expect(before.plan.hasChanges && !before.plan.applied)
        #expect(harness.fake.count("POST") == 0 && harness.fake.count("PUT") == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.statePath))
        try harness.run()
        harness.fake.resetCounts()
        #expect(!(try harness.run(dryRun: true)).plan.hasChanges)
        #expect(harness.fake.requestCounts.keys.sorted() == ["GET"])
    }

    @Test func exportThenImportChangesNothingAndGivesBackTheRepositoryFile() throws {
        let harness = try ImportHarness()
        try harness.run()
        let folder = try TestPaths.temporaryDirectory("dash-export")
        for name in try FileManager.default.contentsOfDirectory(atPath: harness.from) {
            let spec = try DashboardFormat.load(file: harness.from + "/" + name)
            let text = try DashboardExporter(client: try harness.client()).export(
                tenantName: "Mr. DJ", dashboard: spec.name, tenantDatabase: "rentguy-crm-mrdj")
            #expect(text == (try String(contentsOfFile: harness.from + "/" + name, encoding: .utf8)), "\(name)")
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        harness.fake.resetCounts()
        #expect(!(try harness.run(from: folder)).plan.hasChanges)
        #expect(harness.fake.count("PUT") == 0 && harness.fake.count("POST") == 0)
    }

    @Test func anEditInMetabasesUIExportsAsADiffAndTheRepositoryPutsItBack() throws {
        let harness = try ImportHarness()
        try harness.run()
        harness.fake.editCardSQL(named: "Won revenue", to: "SELECT 1")
        let text = try DashboardExporter(client: try harness.client()).export(
            tenantName: "Mr. DJ", dashboard: "Revenue per Package", tenantDatabase: "rentguy-crm-mrdj")
        #expect(text.contains("\"query\": \"SELECT 1\""))
        // With the state gone, the importer compares with what Metabase holds and restores the card.
        try FileManager.default.removeItem(atPath: harness.statePath)
        harness.fake.resetCounts()
        let report = try harness.run()
        #expect(report.plan.changes.filter { $0.action != .unchanged }.map(\.identity) == ["Won revenue"])
        #expect(harness.fake.count("PUT") == 1)
    }

    @Test func withoutATenantDatabaseTheImportRefusesAndCreatesNothing() throws {
        let harness = try ImportHarness(tenantDatabase: false)
        #expect { try harness.run() } throws: { error in
            ExitCategory.of(error) == .usage && "\(error)".contains("no database 'rentguy-crm-mrdj' for tenant mrdj")
                && "\(error)".contains("--shared-database")
        }
        #expect(harness.fake.count("POST") == 0)
        #expect(harness.fake.collectionNames.isEmpty)
    }

    @Test func aSharedDatabaseIsUsedOnlyWhenAskedAndSaidToBeNotIsolated() throws {
        let harness = try ImportHarness(tenantDatabase: false)
        let shared = harness.fake.addDatabase(name: "rentguy-crm")
        let report = try DashboardImporter(client: try harness.client()).run(
            try harness.request(shared: "rentguy-crm"))
        #expect(!report.isolated)
        #expect(
            report.plan.changes.contains { $0.kind == "database" && $0.detail?.contains("NOT tenant-isolated") == true }
        )
        for card in harness.fake.cardsByID.values {
            #expect((card["dataset_query"] as? [String: Any])?["database"] as? Int == shared)
        }
    }

    @Test func registeringTheDatabaseSendsTheReaderLoginAndKeepsItsPasswordOutOfTheState() throws {
        let harness = try ImportHarness(tenantDatabase: false)
        let reader = try ReaderDatabase(
            url: "postgresql://mrdj_metabase:s3cret%2Fpw@db.internal:6432/crm?sslmode=require")
        #expect("\(reader)" == "postgresql://mrdj_metabase@db.internal:6432/crm")
        var request = try harness.request()
        request.reader = reader
        let report = try DashboardImporter(client: try harness.client()).run(request)
        #expect(report.plan.actions("database") == [.create])
        let details = try #require(harness.fake.databaseDetails.first)
        #expect(details["user"] as? String == "mrdj_metabase")
        #expect(details["password"] as? String == "s3cret/pw")
        #expect(details["port"] as? Int == 6432 && details["ssl"] as? Bool == true)
        #expect(harness.fake.databaseNames.contains("rentguy-crm-mrdj"))
        let state = try String(contentsOfFile: harness.statePath, encoding: .utf8)
        #expect(!state.contains("s3cret"))
        // Once registered it is found by name.
        harness.fake.resetCounts()
        #expect(!(try DashboardImporter(client: try harness.client()).run(request)).plan.hasChanges)
    }

    @Test func aBareArrayOfDatabasesIsReadToo() throws {
        let harness = try ImportHarness()
        harness.fake.bareDatabaseList = true
        #expect(try harness.run().plan.actions("dashboard") == [.create, .create, .create])
    }

    @Test func aSessionIsOpenedOncePerRun() throws {
        let harness = try ImportHarness()
        let client = try MetabaseClient(
            baseURL: harness.fake.baseURL,
            credentials: .password(user: harness.fake.user, password: harness.fake.password))
        try harness.run(client: client)
        #expect(harness.fake.requests.filter { $0.path == "/api/session" }.count == 1)
        #expect(!harness.fake.requests.contains { $0.headers["x-api-key"] != nil })
    }
}
