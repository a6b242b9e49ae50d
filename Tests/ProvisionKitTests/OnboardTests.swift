import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// Onboarding a tenant end to end through the orchestrator, against the real server and real files.
@Suite struct OnboardTests {
    @Test func onboardingThenOnboardingAgainWritesNothing() throws {
        try ProvisionFixture.with("onboard") { fixture throws in
            let first = try fixture.apply()
            #expect(
                first.outcomes.map(\.name) == [
                    "database", "secrets", "redis", "deploy", "templates", "workflows", "dashboards", "smoke",
                ])
            #expect(first.outcomes[0].result == .changed)
            // deploy: the tenant's three artefacts, under the settings' root.
            #expect(first.outcomes[2].result == .skipped("REDIS_URL not set"))
            #expect(first.outcomes[3].result == .changed)
            #expect(first.outcomes[3].changes.map(\.action) == [.create, .create, .create])
            for name in DeployRenderer.fileNames {
                #expect(FileManager.default.fileExists(atPath: "\(fixture.folder)/deploy/mrdj/\(name)"))
            }
            #expect(first.outcomes[6].result == .skipped(DashboardsResource.notConfigured))
            // smoke ran, read-only: unchanged, with what it found.
            #expect(first.outcomes[7].result == .unchanged)
            #expect(first.outcomes[7].changes.first?.detail?.contains(" passed, ") == true)

            // The app login connects with the stored password and sees mrdj's rows only.
            let app = try fixture.connectAsLogin("mrdj", .app)
            #expect(try app.query("SELECT slug::text FROM crm.crm_tenants").rows.map { $0[0] } == ["mrdj"])
            #expect(try app.query("SELECT count(*) FROM crm.crm_stages").scalar == "29")
            let reader = try fixture.connectAsLogin("mrdj", .reader)
            #expect(try reader.query("SELECT count(*) FROM crm.crm_pipelines").scalar == "3")

            let database = try fixture.databaseSnapshot()
            let files = fixture.fileTimes()
            #expect(files.keys.contains { $0.hasPrefix("state/secrets/mrdj/postgres_app_password") })
            #expect(files.keys.contains("deploy/mrdj/values.yaml"))
            let second = try fixture.apply()
            #expect(!second.changedAnything)
            #expect(second.outcomes.allSatisfy { $0.result == .unchanged || $0.result.isSkipped })
            #expect(second.outcomes.filter { $0.result == .unchanged }.map(\.name).contains("deploy"))
            #expect(second.outcomes.last?.name == "smoke" && second.outcomes.last?.result == .unchanged)
            #expect(!second.plan.hasChanges)
            #expect(try fixture.databaseSnapshot() == database)
            #expect(fixture.fileTimes() == files)
            #expect(try !fixture.provisioner().plan().plan.hasChanges)
            // And the stored passwords still work.
            _ = try fixture.connectAsLogin("mrdj", .app)
        }
    }

    @Test func planReadsOnlyAndShowsSecretsAsSensitive() throws {
        try ProvisionFixture.with("plan") { fixture throws in
            let plan = try fixture.provisioner().plan()
            #expect(plan.plan.hasChanges)
            #expect(!FileManager.default.fileExists(atPath: fixture.settings.stateDirectory))
            #expect(!FileManager.default.fileExists(atPath: fixture.settings.automationRoot ?? ""))
            #expect(try fixture.admin().query("SELECT to_regclass('crm.crm_tenants')::text").scalar == nil)
            let secrets = plan.plan.changes.filter { $0.kind == "secret" }
            #expect(secrets.count == 4)
            #expect(secrets.allSatisfy { $0.action == .create && $0.after == "(sensitive)" })
            #expect(plan.plan.changes.contains { $0.kind == "login" && $0.identity == fixture.login("mrdj", .app) })
        }
    }

    @Test func loginUsersHaveSessionLimitsSoAHeldLockEnds() throws {
        try ProvisionFixture.with("limits") { fixture throws in
            fixture.settings.loginLimits.lockTimeout = "1s"
            fixture.settings.loginLimits.idleInTransactionSessionTimeout = "1s"
            try fixture.apply()
            let app = try fixture.connectAsLogin("mrdj", .app)
            #expect(try app.query("SHOW statement_timeout").scalar == "1min")
            #expect(try app.query("SHOW lock_timeout").scalar == "1s")

            // Waiting for a lock gives up: 55P03 after lock_timeout, not for ever.
            let admin = try fixture.admin()
            try admin.query("BEGIN")
            try admin.query("LOCK TABLE crm.crm_leads IN ACCESS EXCLUSIVE MODE")
            try app.query("BEGIN")
            #expect(throws: PostgresError.self) {
                try app.query("LOCK TABLE crm.crm_leads IN ACCESS SHARE MODE")
            }
            try app.query("ROLLBACK")
            try admin.query("ROLLBACK")

            // A tenant login that takes a lock and then idles in its transaction is cut off by the server, so
            // it cannot hold the table (and every migration or seed behind it) for ever.
            let holder = try fixture.connectAsLogin("mrdj", .app)
            try holder.query("BEGIN")
            try holder.query("LOCK TABLE crm.crm_leads IN ACCESS SHARE MODE")
            Thread.sleep(forTimeInterval: 2.5)
            #expect(throws: PostgresError.self) { try holder.query("SELECT 1") }
            try admin.query("BEGIN")
            try admin.query("SET LOCAL lock_timeout = '5s'")
            try admin.query("LOCK TABLE crm.crm_leads IN ACCESS EXCLUSIVE MODE")
            try admin.query("ROLLBACK")

            // Changed limits are an update of the login, applied on the next run.
            fixture.settings.loginLimits.statementTimeout = "30s"
            let plan = try fixture.provisioner().plan()
            #expect(plan.plan.changes.contains { $0.kind == "login" && $0.action == .update })
            try fixture.apply()
            #expect(try fixture.connectAsLogin("mrdj", .app).query("SHOW statement_timeout").scalar == "30s")
        }
    }

    @Test func generatedPasswordsAreLongAndDistinct() {
        let passwords = (0..<200).map { _ in PasswordGenerator.generate() }
        #expect(passwords.allSatisfy { $0.count >= 32 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        #expect(Set(passwords).count == passwords.count)
    }

    @Test func aLoginWithoutTheMarkerIsRefusedNotTakenOver() throws {
        try ProvisionFixture.with("squat") { fixture throws in
            try fixture.apply()
            let login = fixture.login("mrdj", .reader)
            let admin = try fixture.admin()
            try admin.query("COMMENT ON ROLE \(try admin.quoteIdentifier(login)) IS 'someone else''s'")
            #expect {
                _ = try fixture.provisioner().apply()
            } throws: { error in
                "\(error)".contains("rg-crm cannot prove it is this tenant's login")
            }
        }
    }
}

extension ResourceOutcome.Result {
    var isSkipped: Bool {
        if case .skipped = self { return true }
        return false
    }
}
