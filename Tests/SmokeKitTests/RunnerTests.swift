import Foundation
import RGCore
import SmokeKit
import TestSupport
import Testing

/// The runner without a database: order, bounded concurrency, timeouts, retries, skips and errors.
@Suite struct RunnerTests {
    static let context = SmokeContext(
        slug: try! Slug("mrdj"), configDirectory: "/nonexistent", automationDirectory: "/nonexistent",
        migrationsDirectory: "/nonexistent", databaseURL: "postgresql://127.0.0.1:1/none",
        roles: TenantRoleNames(app: "a", reader: "r", appGroup: "ga", readerGroup: "gr"), seedDryRun: nil,
        dashboards: .unavailable(reason: "METABASE_URL not set"))

    /// Counts how many bodies run at once.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var peak = 0
        private(set) var calls = 0

        func enter() -> Int {
            lock.withLock {
                running += 1
                calls += 1
                peak = max(peak, running)
                return calls
            }
        }
        func leave() { lock.withLock { running -= 1 } }
    }

    @Test func resultsKeepTheChecksOrderAndConcurrencyIsBounded() async {
        let gauge = Gauge()
        let checks = (0..<12).map { index in
            SmokeCheck(.db, "t.\(index)", "check \(index)") { _ in
                _ = gauge.enter()
                defer { gauge.leave() }
                usleep(UInt32(20_000 + (index % 3) * 10_000))
                return .pass()
            }
        }
        let results = await SmokeRunner(concurrency: 3).run(checks, context: Self.context)
        #expect(results.map(\.id) == (0..<12).map { "t.\($0)" })
        #expect(results.allSatisfy { $0.status == .pass && $0.group == "db" })
        #expect(gauge.peak <= 3 && gauge.peak >= 2)
    }

    @Test func aCheckThatOverrunsItsTimeoutIsAnError() async {
        let slow = SmokeCheck(.db, "t.slow", "slow") { _ in
            usleep(5_000_000)
            return .pass()
        }
        let quick = SmokeCheck(.db, "t.quick", "quick") { _ in .pass() }
        let results = await SmokeRunner(timeout: .milliseconds(100)).run([slow, quick], context: Self.context)
        #expect(results[0].status == .error)
        #expect(results[0].message == "did not finish within 0.100 s")
        #expect(results[0].remediation?.contains("--timeout") == true)
        #expect(results[1].status == .pass)
    }

    @Test func retryTimeoutReRunsFailingChecksUntilTheyPass() async {
        let gauge = Gauge()
        let flaky = SmokeCheck(.db, "t.flaky", "comes up on the third try") { _ in
            let call = gauge.enter()
            gauge.leave()
            return call >= 3 ? .pass() : .fail("not up yet (\(call))", fix: "wait")
        }
        let steady = SmokeCheck(.db, "t.steady", "steady") { _ in .pass() }
        let once = await SmokeRunner().run([flaky, steady], context: Self.context)
        #expect(once[0].status == .fail && once[0].message == "not up yet (1)")

        let retried = await SmokeRunner(retryTimeout: .seconds(20), sleep: .milliseconds(10)).run(
            [flaky, steady], context: Self.context)
        #expect(retried.map(\.status) == [.pass, .pass])
        #expect(gauge.calls == 3)
    }

    @Test func retryStopsWhenTimeIsUp() async {
        let never = SmokeCheck(.db, "t.never", "never") { _ in .fail("down", fix: "start it") }
        let results = await SmokeRunner(retryTimeout: .milliseconds(200), sleep: .milliseconds(50)).run(
            [never], context: Self.context)
        #expect(results.map(\.status) == [.fail])
    }

    @Test func skipsAndErrorsCoverEveryItemOfAUnit() async {
        struct Broken: Error, CustomStringConvertible { var description: String { "it broke\nhere" } }
        let skipped = SmokeCheck(.isolation, items: [("t.a", "a"), ("t.b", "b")]) { _ in
            throw SkipCheck("no role (db.roles)")
        }
        let broken = SmokeCheck(.isolation, items: [("t.c", "c"), ("t.d", "d")]) { _ in throw Broken() }
        let results = await SmokeRunner().run([skipped, broken], context: Self.context)
        #expect(results.map(\.status) == [.skip, .skip, .error, .error])
        #expect(results[0].message == "no role (db.roles)")
        #expect(results[2].message?.contains("\n") == false)
    }

    /// Without a probe the dashboards group is skipped with the reason, never passed; a probe's findings are its.
    @Test func dashboardsAreSkippedWithoutAProbeAndReportTheProbesFindings() async {
        let skipped = await SmokeSuite.run(Self.context, groups: [.dashboards])
        #expect(skipped.map(\.id) == ["dashboards.collection", "dashboards.cards"])
        #expect(skipped.allSatisfy { $0.status == .skip && $0.message == "METABASE_URL not set" })
        #expect(
            DashboardSource.metabase(environment: [:]).reason == "METABASE_URL not set"
                && DashboardSource.metabase(environment: ["METABASE_URL": ""]).reason == "METABASE_URL not set"
                && DashboardSource.metabase(environment: ["METABASE_URL": "http://m"]).reason == nil
        )

        struct FakeMetabase: DashboardProbe {
            func collection(tenant: Slug, name: String) throws -> CheckOutcome { .pass("collection \(tenant)") }
            func cards(tenant: Slug, name: String) throws -> CheckOutcome {
                .fail("card 12 'Pipeline velocity' failed: relation does not exist", fix: "rg-crm dashboards apply")
            }
        }
        var context = Self.context
        context.configDirectory = TestPaths.repository("configs/tenants")  // the collection is named after the tenant
        context.dashboards = .probe(FakeMetabase())
        let probed = await SmokeSuite.run(context, groups: [.dashboards])
        #expect(probed.map(\.status) == [.pass, .fail])
        #expect(probed[1].remediation == "rg-crm dashboards apply")
    }
}

extension DashboardSource {
    var reason: String? {
        if case .unavailable(let reason) = self { return reason }
        return nil
    }
}
