import Foundation
import TestSupport
import Testing

/// The conditions tests that need ../shared, Python or a program are enabled by: a missing input disables such a
/// test (shown as skipped, with its reason) only outside CI; under CI=true the test runs and its missing input fails it.
@Suite struct TestRequirementsTests {
    @Test func aMissingInputDisablesATestOnlyOutsideCI() {
        #expect(TestRequirements.shared("no/such/input-\(UUID().uuidString)") == TestRequirements.underCI)
        #expect(TestRequirements.python("no_such_module_rg_crm") == TestRequirements.underCI)
        #expect(TestRequirements.executable("/no/such/program") == TestRequirements.underCI)
        #expect(TestRequirements.executable("/bin/sh"))
    }

    @Test func aMissingSharedInputIsAnError() throws {
        #expect(throws: MissingTestInput.self) { try MissingTestInput.shared("no/such/input") }
        #expect(!Python.canImport(["no_such_module_rg_crm"]))
    }
}
