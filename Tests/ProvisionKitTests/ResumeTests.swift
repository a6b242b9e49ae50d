import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// A run stopped after any step is finished by the next run: nothing twice, no credential lost or changed.
@Suite struct ResumeTests {
    /// The number of steps of a whole onboarding from an empty database.
    static func stepsOfAFullRun() throws -> Int {
        try ProvisionFixture.with("steps") { fixture throws in try fixture.apply().steps }
    }

    @Test func abortingAfterEveryStepThenRunningAgainCompletes() throws {
        let steps = try Self.stepsOfAFullRun()
        // schema, seed, app password then role, reader password then role, two URLs, templates.
        #expect(steps >= 8)
        for step in 1...steps {
            try ProvisionFixture.with("resume\(step)") { fixture throws in
                fixture.settings.abortAfterStep = step
                let aborted = try fixture.provisioner().apply()
                guard case .abortedForTest(let at)? = aborted.failure else {
                    Issue.record("step \(step): expected the test abort, got \(String(describing: aborted.failure))")
                    return
                }
                #expect(at == step)
                let storedBefore = try secrets(fixture)

                fixture.settings.abortAfterStep = nil
                let resumed = try fixture.apply()
                #expect(resumed.failure == nil)
                try expectComplete(fixture, step: step)
                // A credential stored before the abort is the one in use after it.
                let storedAfter = try secrets(fixture)
                for (name, value) in storedBefore { #expect(storedAfter[name] == value, "step \(step): \(name)") }
            }
        }
    }

    /// Everything once, every stored password working, nothing left to do.
    func expectComplete(_ fixture: ProvisionFixture, step: Int) throws {
        let admin = try fixture.admin()
        #expect(try admin.query("SELECT count(*) FROM crm.crm_tenants").scalar == "1", "step \(step)")
        #expect(try admin.query("SELECT count(*) FROM crm.crm_tenant_roles").scalar == "2", "step \(step)")
        #expect(try admin.query("SELECT count(*) FROM crm.crm_pipelines").scalar == "3", "step \(step)")
        // Every shipped migration once: as many history rows as up files.
        let shipped = try FileManager.default.contentsOfDirectory(atPath: TestPaths.repository("db/migrations"))
            .filter { $0.hasSuffix(".up.sql") }.count
        #expect(try admin.query("SELECT count(*) FROM crm.schema_migrations").scalar == String(shipped), "step \(step)")
        let logins = try admin.query(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1 AND rolcanlogin",
            ["\(fixture.database.rolePrefix)_mrdj_%_login"])
        #expect(logins.scalar == "2", "step \(step)")
        for access in TenantRoles.Access.allCases {
            let login = try fixture.connectAsLogin("mrdj", access)
            #expect(try login.query("SELECT slug::text FROM crm.crm_tenants").scalar == "mrdj", "step \(step)")
        }
        let files = try FileManager.default.contentsOfDirectory(
            atPath: fixture.settings.secretsFolder(try Slug("mrdj")))
        #expect(files.sorted() == TenantSecrets.all.sorted(), "step \(step): \(files)")
        #expect(try !fixture.provisioner().plan().plan.hasChanges, "step \(step)")
    }

    func secrets(_ fixture: ProvisionFixture) throws -> [String: String] {
        var values: [String: String] = [:]
        for name in TenantSecrets.all {
            if let secret = try fixture.localStore().read(name) { values[name] = secret.value }
        }
        return values
    }
}
