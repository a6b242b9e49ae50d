import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// One apply per tenant at a time; other tenants are not held up.
@Suite struct LockTests {
    @Test func aSecondApplyOfTheSameTenantFailsClearlyAndAnotherTenantGoesAhead() throws {
        let configs = try ConfigFixtures.copy(as: "acme")
        try ProvisionFixture.with("locks", configDirectory: configs) { fixture throws in
            fixture.settings.lockTimeoutSeconds = 1
            let held = try TenantLock(slug: try Slug("mrdj"), settings: fixture.settings)
            #expect {
                _ = try fixture.provisioner("mrdj").apply()
            } throws: { error in
                "\(error)".contains("tenant mrdj is being applied by another run (lock file ")
            }
            try fixture.apply("acme")
            withExtendedLifetime(held) {}
        }
    }

    @Test func theDatabaseLockHoldsAcrossMachinesToo() throws {
        try ProvisionFixture.with("pglock") { fixture throws in
            fixture.settings.lockTimeoutSeconds = 1
            // Another machine: its own lock files, the same database.
            let other = try fixture.admin()
            try other.query(
                "SELECT pg_advisory_lock($1::integer, hashtext($2))", [String(TenantLock.namespace), "mrdj"])
            #expect {
                _ = try fixture.provisioner("mrdj").apply()
            } throws: { error in
                "\(error)".contains("tenant mrdj is being applied by another run (PostgreSQL advisory lock at ")
            }
            try other.query("SELECT pg_advisory_unlock_all()")
            try fixture.apply("mrdj")
        }
    }

    @Test func twoAppliesOfOneTenantAtOnceEndWithOneSetOfEverything() throws {
        try ProvisionFixture.with("race") { fixture throws in
            let settings = fixture.settings
            let errors = LockedErrors()
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                do {
                    let report = try Provisioner(settings: settings, slug: try Slug("mrdj")).apply()
                    if let failure = report.failure { errors.append("\(failure)") }
                } catch { errors.append("\(error)") }
            }
            #expect(errors.all.isEmpty, "\(errors.all)")
            _ = try fixture.connectAsLogin("mrdj", .app)
            _ = try fixture.connectAsLogin("mrdj", .reader)
            #expect(try !fixture.provisioner().plan().plan.hasChanges)
        }
    }
}
