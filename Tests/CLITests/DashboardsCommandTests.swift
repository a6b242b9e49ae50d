import Foundation
import TestSupport
import Testing

/// `rg-crm dashboards` end to end, against the fake Metabase: exit codes, the no-op line, and no secret anywhere.
@Suite struct DashboardsCommandTests {
    let root = TestPaths.packageRoot.path

    func importing(_ fake: FakeMetabase, _ extra: [String] = [], state: String, environment: [String: String?] = [:])
        throws -> CommandResult
    {
        var env: [String: String?] = [
            "METABASE_URL": fake.baseURL, "METABASE_API_KEY": fake.apiKey, "METABASE_USER": nil,
            "METABASE_PASSWORD": nil, "NO_COLOR": "1",
        ]
        env.merge(environment) { $1 }
        return try RGCRMProcess.run(
            ["dashboards", "import", "--tenant", "mrdj", "--state-dir", state] + extra, environment: env,
            directory: root)
    }

    @Test func aDryRunExitsTwoBeforeTheFirstImportAndZeroAfterIt() throws {
        let fake = try FakeMetabase()
        _ = fake.addDatabase(name: "rentguy-crm-mrdj")
        let state = try TestPaths.temporaryDirectory("dash-cli")
        let before = try importing(fake, ["--dry-run", "--detailed-exitcode"], state: state)
        #expect(before.status == 2, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("dashboards mrdj: would change 13 object(s) in 'CRM / Mr. DJ'\n"))
        #expect(before.stdout.contains("+ create card Won revenue (Revenue per Package)"))
        #expect(fake.count("POST") == 0 && fake.count("PUT") == 0)

        let first = try importing(fake, [], state: state)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Done: 13 created, 0 updated"))
        #expect(FileManager.default.fileExists(atPath: state + "/mrdj/metabase.json"))

        fake.resetCounts()
        let again = try importing(fake, [], state: state)
        #expect(again.status == 0 && again.stdout == "dashboards mrdj: unchanged\n" && again.stderr.isEmpty)
        #expect(fake.count("POST") == 0 && fake.count("PUT") == 0)
        let after = try importing(fake, ["--dry-run", "--detailed-exitcode", "--format", "json"], state: state)
        #expect(after.status == 0)
        let plan = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any]
        #expect(plan?["has_changes"] as? Bool == false)
        #expect((plan?["changes"] as? [[String: Any]])?.count == 14)
    }

    @Test func aWrongKeyIsOneLineExitOneAndTheKeyIsNotPrinted() throws {
        let fake = try FakeMetabase()
        let key = "mb_wrong_" + UUID().uuidString
        let state = try TestPaths.temporaryDirectory("dash-cli")
        let result = try importing(fake, [], state: state, environment: ["METABASE_API_KEY": key])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "rg-crm: error: listing the root collection: 401 Unauthenticated (check METABASE_API_KEY)\n")
        #expect(!(result.stdout + result.stderr).contains(key))
        // Under --detailed-exitcode too: 1, never 2.
        let detailed = try importing(
            fake, ["--dry-run", "--detailed-exitcode"], state: state,
            environment: [
                "METABASE_API_KEY": key
            ])
        #expect(detailed.status == 1)
    }

    @Test func withoutATenantDatabaseTheImportIsRefusedWithExitTwo() throws {
        let fake = try FakeMetabase()
        let state = try TestPaths.temporaryDirectory("dash-cli")
        let result = try importing(fake, [], state: state)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("rg-crm: error: Metabase has no database 'rentguy-crm-mrdj' for tenant mrdj"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(fake.count("POST") == 0)
        // With a shared database it runs, and says the cards are not tenant-isolated.
        _ = fake.addDatabase(name: "rentguy-crm")
        let shared = try importing(fake, ["--shared-database", "rentguy-crm"], state: state)
        #expect(shared.status == 0)
        #expect(shared.stderr.contains("NOT tenant-isolated"))
    }

    /// The API key, the session id and the reader's password appear in no output, error or state file, whichever
    /// way the run ends.
    @Test func secretsAppearNowhere() throws {
        let fake = try FakeMetabase()
        let state = try TestPaths.temporaryDirectory("dash-cli")
        let readerPassword = "reader-" + UUID().uuidString
        let session: [String: String?] = [
            "METABASE_API_KEY": nil, "METABASE_USER": fake.user, "METABASE_PASSWORD": fake.password,
        ]
        var outputs: [CommandResult] = []
        outputs.append(
            try importing(
                fake, ["--register-database", "--reader-url", "postgresql://mrdj_mb:\(readerPassword)@db:5432/crm"],
                state: state, environment: session))
        #expect(outputs[0].status == 0, "\(outputs[0].stderr)")
        #expect(fake.databaseDetails.first?["password"] as? String == readerPassword)
        outputs.append(try importing(fake, ["--verbose", "--format", "json"], state: state, environment: session))
        // Failures: a server error on a card, a malformed reader URL, a wrong password.
        try FileManager.default.removeItem(atPath: state + "/mrdj")
        fake.deleteCard(named: "Won revenue")
        for nth in 1...3 { fake.inject(.init(method: "POST", pathPrefix: "/api/card", nth: nth, status: 500)) }
        outputs.append(try importing(fake, [], state: state, environment: session))
        #expect(outputs.last?.status == 1)
        outputs.append(
            try importing(
                fake, ["--register-database", "--reader-url", "mysql://u:\(readerPassword)@db/crm"], state: state,
                environment: session))
        #expect(outputs.last?.status == 2)
        outputs.append(
            try importing(
                fake, [], state: state,
                environment: [
                    "METABASE_API_KEY": nil, "METABASE_USER": fake.user, "METABASE_PASSWORD": readerPassword,
                ]))
        #expect(outputs.last?.status == 1)
        let secrets = [fake.apiKey, fake.password, readerPassword] + fake.sessionIDs
        #expect(fake.sessionIDs.count >= 3)
        let stateText = (try? String(contentsOfFile: state + "/mrdj/metabase.json", encoding: .utf8)) ?? ""
        for secret in secrets {
            for output in outputs {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
            }
            #expect(!stateText.contains(secret))
        }
    }

    @Test func exportWritesTheRepositoryFile() throws {
        let fake = try FakeMetabase()
        _ = fake.addDatabase(name: "rentguy-crm-mrdj")
        let state = try TestPaths.temporaryDirectory("dash-cli")
        #expect(try importing(fake, [], state: state).status == 0)
        let target = state + "/revenue.json"
        let result = try RGCRMProcess.run(
            ["dashboards", "export", "--tenant", "mrdj", "--dashboard", "Revenue per Package", "--to", target],
            environment: ["METABASE_URL": fake.baseURL, "METABASE_API_KEY": fake.apiKey], directory: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try String(contentsOfFile: target, encoding: .utf8)
                == String(
                    contentsOfFile: root + "/ops/metabase/dashboards/crm/revenue_per_package.json", encoding: .utf8))
        let missing = try RGCRMProcess.run(
            ["dashboards", "export", "--tenant", "mrdj", "--dashboard", "Nope"],
            environment: ["METABASE_URL": fake.baseURL, "METABASE_API_KEY": fake.apiKey], directory: root)
        #expect(
            missing.status == 1
                && missing.stderr == "rg-crm: error: collection 'CRM / Mr. DJ' has no dashboard named 'Nope'\n")
    }
}
