import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// The deploy, dashboards and smoke steps of an onboarding, through the orchestrator.
@Suite struct OnboardStepTests {
    @Test func aHandEditedDeployFileIsAConflictKeptAndStopsTheApply() throws {
        try ProvisionFixture.with("deployedit") { fixture throws in
            try fixture.apply()
            let values = fixture.folder + "/deploy/mrdj/values.yaml"
            let edited = try String(contentsOfFile: values, encoding: .utf8) + "replicas: 9\n"
            try edited.write(toFile: values, atomically: true, encoding: .utf8)

            let plan = try fixture.provisioner().plan()
            let deploy = try #require(plan.resources.first { $0.name == "deploy" })
            #expect(deploy.changes.map(\.action) == [.unchanged, .conflict, .unchanged])

            let report = try fixture.provisioner().apply()
            guard case .deployConflicts(let count, let first)? = report.failure else {
                Issue.record("expected the deploy conflict, got \(String(describing: report.failure))")
                return
            }
            #expect(count == 1 && first == values)
            #expect(report.outcomes.first { $0.name == "deploy" }?.result == .failed)
            #expect(report.outcomes.last?.result == .notRun)
            #expect(try String(contentsOfFile: values, encoding: .utf8) == edited)
        }
    }

    @Test func aDeployFileRenderedByAnOlderPackIsUpdated() throws {
        try ProvisionFixture.with("deployupd") { fixture throws in
            try fixture.apply()
            // A pristine file of another render (its own seal matches) is rg-crm's: replaced, not a conflict.
            let namespace = fixture.folder + "/deploy/mrdj/namespace.yaml"
            let older = RenderedFile.sealed("namespace.yaml", header: ["older"], body: "kind: Namespace\n")
            try Data(older.bytes).write(to: URL(fileURLWithPath: namespace))
            let report = try fixture.apply()
            #expect(report.outcomes.first { $0.name == "deploy" }?.result == .changed)
            #expect(try String(contentsOfFile: namespace, encoding: .utf8).contains("rg-mrdj-crm"))
        }
    }

    @Test func aFailingSmokeCheckFailsTheApplyNamingIt() throws {
        try ProvisionFixture.with("smokefail") { fixture throws in
            try fixture.apply()
            try fixture.admin().query("DROP POLICY tenant_isolation ON crm.crm_activities")
            let report = try fixture.provisioner().apply()
            guard case .smokeFailed(let ids)? = report.failure else {
                Issue.record("expected smoke to fail, got \(String(describing: report.failure))")
                return
            }
            #expect(ids.contains("db.rls.policies"))
            #expect(report.failure?.category == .failed)
            #expect(report.outcomes.last?.result == .failed)
        }
    }

    @Test func dashboardsAreImportedOnceIntoAFakeMetabase() throws {
        let fake = try FakeMetabase()
        defer { fake.stop() }
        try ProvisionFixture.with("dashboards") { fixture throws in
            var metabase = MetabaseSettingsFixture.settings(fake)
            metabase.stateDirectory = fixture.folder + "/metabase"
            metabase.dashboardsDirectory = TestPaths.repository("ops/metabase/dashboards/crm")
            metabase.readerURL = "postgresql://reader:reader-password@db.example:5432/crm"
            fixture.settings.metabase = metabase

            let plan = try fixture.provisioner().plan()
            #expect(plan.resources.first { $0.name == "dashboards" }?.skipped == nil)
            let first = try fixture.apply()
            #expect(first.outcomes.first { $0.name == "dashboards" }?.result == .changed)
            #expect(fake.dashboardsByID.count == 3)

            // The smoke step checked the dashboards for real: every card's query ran on the tenant's database.
            #expect(first.outcomes.first { $0.name == "smoke" }?.result == .unchanged)
            let queriesBefore = fake.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/query") }.count
            #expect(queriesBefore == 9)

            fake.resetCounts()
            let requestsBefore = fake.requests.count
            let second = try fixture.apply()
            #expect(second.outcomes.first { $0.name == "dashboards" }?.result == .unchanged)
            // No write: the only POSTs are smoke's query runs (read-only), nothing is PUT.
            let writes = fake.requests.dropFirst(requestsBefore).filter {
                ($0.method == "POST" && !$0.path.hasSuffix("/query")) || $0.method == "PUT" || $0.method == "DELETE"
            }
            #expect(writes.isEmpty, "\(writes.map { "\($0.method) \($0.path)" })")
        }
    }

    /// A tenant whose crm.json has no pipeline of its own gets its verticals' seeded ones: the workflows are held
    /// against those stages (they were held against none, and every stage a workflow named was "unknown").
    @Test func workflowsAreHeldAgainstTheSeededPipelinesToo() throws {
        let configs = try ConfigFixtures.copy(as: "bare") { tenant, crm in
            tenant["verticals"] = ["wedding"]
            crm["pipelines"] = [Any]()
        }
        try ProvisionFixture.with("seededstages", configDirectory: configs) { fixture throws in
            let report = try fixture.apply("bare")
            #expect(report.outcomes.first { $0.name == "workflows" }?.result == .unchanged)
            #expect(report.outcomes.first { $0.name == "smoke" }?.result == .unchanged)
        }
    }
}

enum MetabaseSettingsFixture {
    static func settings(_ fake: FakeMetabase) -> MetabaseSettings {
        MetabaseSettings(url: fake.baseURL, credentials: .apiKey(fake.apiKey))
    }
}
