import Foundation
import Postgres
import TestSupport
import Testing

/// `db seed` holds a pack's automation to the workflow library as `config check` does: a reference to a workflow
/// that does not exist is refused before the server is touched.
@Suite struct SeedReferenceTests {
    @Test func aSeedNamingAMissingWorkflowIsRefusedAndWritesNothing() throws {
        try TenantDatabase.with("seedref") { database throws in
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            #expect(try RGCRMProcess.run(["db", "migrate"], environment: environment).status == 0)
            let configs = try ConfigFixtures.copy(as: "acme") { _, crm in
                crm["automation"] = ["lead.created": ["lead_intake", "no_such_flow"]]
            }
            for dryRun in [["--dry-run"], []] {
                let result = try RGCRMProcess.run(
                    ["db", "seed", "--tenant", "acme", "--config-dir", configs] + dryRun, environment: environment)
                #expect(result.status == 2, "\(result.stderr)")
                #expect(
                    result.stderr.contains(
                        "$.automation[\"lead.created\"][1]: no workflow 'no_such_flow' in the workflow library"),
                    "\(result.stderr)")
            }
            #expect(try Connection(conninfo: database.url).query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")

            // Where no library is at hand (run from another folder), the seed says the references went unchecked.
            let elsewhere = try TestPaths.temporaryDirectory("noworkflows")
            let unchecked = try RGCRMProcess.run(
                [
                    "db", "seed", "--tenant", "acme", "--config-dir", configs, "--seeds",
                    TestPaths.repository("db/seeds/crm"), "--dry-run",
                ],
                environment: environment, directory: elsewhere)
            #expect(unchecked.status == 0, "\(unchecked.stderr)")
            #expect(
                unchecked.stderr.contains(
                    "note: workflow references not checked: no workflow library at automation/workflows"))
            // Named, the library must exist.
            let named = try RGCRMProcess.run(
                ["db", "seed", "--tenant", "acme", "--config-dir", configs, "--workflows", "/nonexistent"],
                environment: environment)
            #expect(named.status == 2)
        }
    }
}
