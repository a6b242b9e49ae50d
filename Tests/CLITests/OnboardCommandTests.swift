import Foundation
import Postgres
import TestSupport
import Testing

/// `rg-crm tenant plan / apply / onboard / remove` as a user runs them.
@Suite struct OnboardCommandTests {
    /// A database, a state folder and a clone folder of their own, and the arguments and environment reaching them.
    struct Stack {
        let database: TenantDatabase
        let folder: String
        var configDirectory: String = TestPaths.repository("configs/tenants")

        var environment: [String: String?] {
            [
                "DATABASE_URL": database.url, "RG_CRM_ROLE_PREFIX": database.rolePrefix, "VAULT_ADDR": nil,
                "METABASE_URL": nil, "REDIS_URL": nil,
            ]
        }
        var state: String { folder + "/state" }
        var deployRoot: String { folder + "/deploy" }
        var options: [String] {
            [
                "--state-dir", state, "--automation-root", folder + "/automation", "--config-dir", configDirectory,
                "--deploy-root", deployRoot,
            ]
        }

        func run(_ arguments: [String], _ extra: [String: String?] = [:]) throws -> CommandResult {
            try RGCRMProcess.run(arguments + options, environment: environment.merging(extra) { $1 })
        }

        func secret(_ slug: String, _ name: String) throws -> String {
            try String(contentsOfFile: "\(state)/secrets/\(slug)/\(name)", encoding: .utf8)
        }

        /// Connects as the tenant's login with the stored URL, and checks the stored password alone works too.
        func connectAsLogin(_ slug: String, _ access: String) throws -> Connection {
            let password = try secret(slug, "postgres_\(access)_password")
            #expect(password.count >= 32)
            let login = "\(database.rolePrefix)_\(slug)_\(access)_login"
            let url = database.url.replacingOccurrences(of: "://rgcrm@", with: "://\(login):\(password)@")
            _ = try Connection(conninfo: url)
            return try Connection(conninfo: try secret(slug, "postgres_\(access)_url"))
        }

        static func with(_ label: String, _ body: (inout Stack) throws -> Void) throws {
            try TenantDatabase.with(label) { database throws in
                var stack = Stack(database: database, folder: try TestPaths.temporaryDirectory("onboard-\(label)"))
                defer { try? FileManager.default.removeItem(atPath: stack.folder) }
                try body(&stack)
            }
        }
    }

    @Test func onboardTwiceThenPlanSaysNoChanges() throws {
        try Stack.with("cli1") { stack throws in
            let first = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("tenant mrdj: onboarded in "))
            #expect(first.stdout.contains("dashboards  skipped: METABASE_URL not set"))
            #expect(first.stdout.contains("\nsmoke "))
            // The deploy resource rendered the tenant's folder under --deploy-root.
            let values = stack.deployRoot + "/mrdj/values.yaml"
            let rendered = try FileManager.default.attributesOfItem(atPath: values)[.modificationDate] as? Date
            #expect(rendered != nil)
            #expect(!first.stderr.contains("step 1 of"), "progress only on a terminal")
            let second = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: values)[.modificationDate] as? Date == rendered)
            for resource in ["database", "secrets", "deploy", "templates", "workflows", "smoke"] {
                #expect(second.stdout.contains("\n\(resource) ") && second.stdout.contains("unchanged"), "\(resource)")
            }
            #expect(second.stdout.contains("tenant mrdj: unchanged (every resource as wanted)"))
            // As .ci/run reads the closing table: every resource but the skipped dashboards is `unchanged`.
            let unchanged = second.stdout.split(separator: "\n").filter {
                $0.wholeMatch(of: /(database|secrets|deploy|templates|workflows|smoke) +unchanged +[0-9]+ ms/) != nil
            }
            #expect(unchanged.count == 6, "\(second.stdout)")
            let plan = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.hasPrefix("No changes ("))
        }
    }

    @Test func aHandEditedDeployFileStopsTheOnboardingAndIsKept() throws {
        try Stack.with("clideploy") { stack throws in
            let first = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(first.status == 0, "\(first.stderr)")
            let values = stack.deployRoot + "/mrdj/values.yaml"
            let edited = try String(contentsOfFile: values, encoding: .utf8) + "extra: 1\n"
            try edited.write(toFile: values, atomically: true, encoding: .utf8)

            let plan = try stack.run(["tenant", "plan", "--tenant", "mrdj"])
            #expect(plan.stdout.contains("! conflict file \(values)"), "\(plan.stdout)")
            let again = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(again.status == 1)
            #expect(
                again.stderr.hasPrefix(
                    "rg-crm: error: deploy: 1 file(s) changed by hand since rg-crm rendered them (the first: \(values))"
                ),
                "\(again.stderr)")
            #expect(again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
            #expect(try String(contentsOfFile: values, encoding: .utf8) == edited)

            // Deleting the file has it rendered again.
            try FileManager.default.removeItem(atPath: values)
            let fixed = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(!(try String(contentsOfFile: values, encoding: .utf8)).contains("extra: 1"))
        }
    }

    @Test func aFailingSmokeCheckFailsTheOnboarding() throws {
        try Stack.with("clismoke") { stack throws in
            let first = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("smoke "))
            try Connection(conninfo: stack.database.url).query("DROP POLICY tenant_isolation ON crm.crm_activities")
            let again = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(again.status == 1, "\(again.stdout)")
            #expect(again.stderr.hasPrefix("rg-crm: error: smoke: "), "\(again.stderr)")
            #expect(again.stderr.contains("db.rls.policies"), "\(again.stderr)")
            #expect(again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
            // Smoke reads only: the plan still shows no change.
            let plan = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout)")
        }
    }

    @Test func noOutputPlanOrStateFileHoldsASecret() throws {
        try Stack.with("cli2") { stack throws in
            var texts: [String] = []
            let planFile = stack.folder + "/plan.json"
            let plan = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--out", planFile, "--format", "json"])
            #expect(plan.status == 0, "\(plan.stderr)")
            texts += [plan.stdout, plan.stderr]
            let applied = try stack.run(["tenant", "apply", "--tenant", "mrdj", "--plan", planFile, "--verbose"])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("(sensitive)"))
            texts += [applied.stdout, applied.stderr, try String(contentsOfFile: planFile, encoding: .utf8)]
            let planFile2 = stack.folder + "/plan2.json"
            for arguments in [
                ["tenant", "plan", "--tenant", "mrdj", "--verbose"], ["tenant", "onboard", "--tenant", "mrdj"],
                ["tenant", "plan", "--tenant", "mrdj", "--format", "json", "--out", planFile2],
            ] {
                let result = try stack.run(arguments)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                texts += [result.stdout, result.stderr]
            }
            let list = try RGCRMProcess.run(["tenant", "list"], environment: stack.environment)
            texts += [list.stdout, list.stderr]
            texts.append(try String(contentsOfFile: planFile2, encoding: .utf8))
            texts.append(try String(contentsOfFile: stack.state + "/state/mrdj.json", encoding: .utf8))
            let secrets = try ["app", "reader"].flatMap { access in
                [
                    try stack.secret("mrdj", "postgres_\(access)_password"),
                    try stack.secret("mrdj", "postgres_\(access)_url"),
                ]
            }
            #expect(secrets.count == 4 && secrets.allSatisfy { $0.count >= 32 })
            for secret in secrets {
                for text in texts { #expect(!text.contains(secret)) }
            }
            // A stored password is no password's suffix or prefix either in what was printed.
            for password in secrets.prefix(1) {
                for text in texts { #expect(!text.contains(password.prefix(16))) }
            }
        }
    }

    @Test func aSavedPlanIsRefusedOnceTheWorldChanged() throws {
        try Stack.with("cli3") { stack throws in
            #expect(try stack.run(["tenant", "onboard", "--tenant", "mrdj"]).status == 0)
            let planFile = stack.folder + "/plan.json"
            #expect(try stack.run(["tenant", "plan", "--tenant", "mrdj", "--out", planFile]).status == 0)
            // Someone renames a stage after the plan was made.
            let admin = try Connection(conninfo: stack.database.url)
            try admin.query(
                "UPDATE crm.crm_stages SET name = 'Renamed' WHERE key = (SELECT min(key) FROM crm.crm_stages)")
            let stale = try stack.run(["tenant", "apply", "--tenant", "mrdj", "--plan", planFile])
            #expect(stale.status == 1)
            #expect(stale.stderr.hasPrefix("rg-crm: error: plan is stale: database changed since the plan was made"))
            #expect(try admin.query("SELECT count(*) FROM crm.crm_stages WHERE name = 'Renamed'").scalar != "0")
            // So is one whose secrets changed (a secret deleted by hand).
            #expect(try stack.run(["tenant", "plan", "--tenant", "mrdj", "--out", planFile]).status == 0)
            try FileManager.default.removeItem(atPath: stack.state + "/secrets/mrdj/postgres_reader_url")
            let secrets = try stack.run(["tenant", "apply", "--tenant", "mrdj", "--plan", planFile])
            #expect(secrets.status == 1)
            #expect(secrets.stderr.contains("plan is stale: secrets changed"))
            // A fresh plan applies.
            #expect(try stack.run(["tenant", "plan", "--tenant", "mrdj", "--out", planFile]).status == 0)
            let fresh = try stack.run(["tenant", "apply", "--tenant", "mrdj", "--plan", planFile])
            #expect(fresh.status == 0, "\(fresh.stderr)")
            _ = try stack.connectAsLogin("mrdj", "reader")
            // Not a plan at all: bad input.
            try "{}".write(toFile: planFile, atomically: true, encoding: .utf8)
            #expect(try stack.run(["tenant", "apply", "--tenant", "mrdj", "--plan", planFile]).status == 2)
        }
    }

    @Test func killNineAtRandomMomentsThenARunCompletes() throws {
        try Stack.with("cli4") { stack throws in
            var random = SplitMix(seed: UInt64(ProcessInfo.processInfo.environment["RG_KILL_SEED"] ?? "") ?? 12)
            for _ in 0..<4 {
                let running = try RGCRMProcess.start(
                    ["tenant", "onboard", "--tenant", "mrdj"] + stack.options, environment: stack.environment)
                Thread.sleep(forTimeInterval: Double(random.next() % 900) / 1000)
                running.kill()
                _ = running.wait()
            }
            let finished = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            #expect(finished.status == 0, "\(finished.stdout)\(finished.stderr)")
            let again = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--detailed-exitcode"])
            #expect(again.status == 0, "\(again.stdout)")
            let admin = try Connection(conninfo: stack.database.url)
            #expect(try admin.query("SELECT count(*) FROM crm.crm_tenants").scalar == "1")
            for access in ["app", "reader"] {
                #expect(
                    try stack.connectAsLogin("mrdj", access).query("SELECT count(*) FROM crm.crm_tenants").scalar == "1"
                )
            }
        }
    }

    @Test func allOnboardsEveryTenantAndOneFailureStopsNoOther() throws {
        try Stack.with("cli5") { stack throws in
            stack.configDirectory = try ConfigFixtures.copies(as: ["aaa", "bbb", "ccc"])
            // ccc claims bbb's domain: its seed fails on the unique domain, whichever runs first.
            var tenant = try ConfigFixtures.read("configs/tenants/mrdj/tenant.json")
            tenant["slug"] = "ccc"
            tenant["domain"] = "bbb.rentguy.nl"
            try ConfigFixtures.write(tenant, to: stack.configDirectory + "/ccc/tenant.json")
            let all = try stack.run(["tenant", "onboard", "--all", "--jobs", "2"])
            #expect(all.status == 1, "\(all.stdout)\(all.stderr)")
            #expect(all.stderr.contains("1 of 4 tenant(s) failed: "))
            let admin = try Connection(conninfo: stack.database.url)
            let slugs = try admin.query("SELECT slug::text FROM crm.crm_tenants ORDER BY 1").rows.map { $0[0] ?? "" }
            #expect(slugs.count == 3 && slugs.contains("aaa") && slugs.contains("mrdj"))
            // Fixed (ccc first, in case it was ccc that took the domain), the next run finishes the failed one.
            tenant["domain"] = "ccc.rentguy.nl"
            try ConfigFixtures.write(tenant, to: stack.configDirectory + "/ccc/tenant.json")
            let fixed = try stack.run(["tenant", "onboard", "--tenant", "ccc"])
            #expect(fixed.status == 0, "\(fixed.stderr)")
            let rerun = try stack.run(["tenant", "onboard", "--all", "--jobs", "2"])
            #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
            for slug in ["aaa", "bbb", "ccc", "mrdj"] {
                #expect(
                    try stack.connectAsLogin(slug, "app").query("SELECT slug::text FROM crm.crm_tenants").scalar == slug
                )
            }
        }
    }

    @Test func removeTakesTheLoginsSecretsAndDeployFolderOfThatTenantOnly() throws {
        try Stack.with("cli6") { stack throws in
            // The second tenant is made the way the platform team makes one: `tenant init` from Mr. DJ's pack, with a
            // second vertical (its corporate pipeline comes from the seed, not from its crm.json).
            let configs = try TestPaths.temporaryDirectory("init-configs")
            try FileManager.default.copyItem(
                atPath: TestPaths.repository("configs/tenants/mrdj"), toPath: configs + "/mrdj")
            let initialised = try RGCRMProcess.run([
                "tenant", "init", "acme", "--name", "Acme Events", "--domain", "acme.rentguy.nl", "--vertical",
                "wedding,corporate", "--config-dir", configs,
            ])
            #expect(initialised.status == 0, "\(initialised.stderr)")
            stack.configDirectory = configs
            for slug in ["mrdj", "acme"] {
                let result = try stack.run(["tenant", "onboard", "--tenant", slug])
                #expect(result.status == 0, "\(slug): \(result.stdout)\(result.stderr)")
            }
            let acme = try stack.connectAsLogin("acme", "app")
            #expect(try acme.query("SELECT slug::text FROM crm.crm_tenants").rows.map { $0[0] } == ["acme"])
            let mrdj = try stack.connectAsLogin("mrdj", "app")
            #expect(try mrdj.query("SELECT slug::text FROM crm.crm_tenants").rows.map { $0[0] } == ["mrdj"])
            #expect(try mrdj.query("SELECT count(DISTINCT tenant_id) FROM crm.crm_stages").scalar == "1")
            #expect(try stack.secret("acme", "postgres_app_password") != stack.secret("mrdj", "postgres_app_password"))
            #expect(FileManager.default.fileExists(atPath: stack.folder + "/automation/acme/automation/templates"))
            let mrdjSecrets = try FileManager.default.contentsOfDirectory(atPath: stack.state + "/secrets/mrdj")
            // The deploy resource rendered each tenant's folder under --deploy-root.
            let deploy = stack.deployRoot
            for slug in ["acme", "mrdj"] {
                #expect(FileManager.default.fileExists(atPath: "\(deploy)/\(slug)/values.yaml"))
            }

            let removed = try stack.run(["tenant", "remove", "acme", "--confirm", "acme"])
            #expect(removed.status == 0, "\(removed.stderr)")
            let prefix = stack.database.rolePrefix
            #expect(removed.stdout.contains("\(prefix)_acme_app_login"))
            #expect(removed.stdout.contains("\(prefix)_acme_reader_login"))
            #expect(removed.stdout.contains("secrets/acme/postgres_app_password"))
            #expect(removed.stdout.contains("\(deploy)/acme"))
            #expect(!FileManager.default.fileExists(atPath: deploy + "/acme"))
            #expect(FileManager.default.fileExists(atPath: deploy + "/mrdj/namespace.yaml"))
            #expect(!FileManager.default.fileExists(atPath: stack.state + "/secrets/acme"))
            let admin = try Connection(conninfo: stack.database.url)
            #expect(
                try admin.query("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", ["\(prefix)_acme_%"]).scalar
                    == "0")
            // mrdj: untouched, and its logins still work.
            #expect(try FileManager.default.contentsOfDirectory(atPath: stack.state + "/secrets/mrdj") == mrdjSecrets)
            _ = try stack.connectAsLogin("mrdj", "reader")
            let plan = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout)")
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing kill schedule can be replayed with RG_KILL_SEED.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The command's edges: Vault from the environment, the test-only switch, plan exit codes.
@Suite struct OnboardCommandEdgeTests {
    @Test func vaultFromTheEnvironmentWithATokenFileAndAMount() throws {
        let vault = try FakeVault(token: "s.token-in-a-file", mount: "kv")
        try OnboardCommandTests.Stack.with("clivault") { stack throws in
            let tokenFile = stack.folder + "/token"
            try "s.token-in-a-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let environment: [String: String?] = [
                "VAULT_ADDR": vault.address, "VAULT_TOKEN_FILE": tokenFile, "VAULT_TOKEN": nil,
            ]
            let onboard = try stack.run(["tenant", "onboard", "--tenant", "mrdj", "--vault-mount", "kv"], environment)
            #expect(onboard.status == 0, "\(onboard.stderr)")
            #expect(vault.writes == 4)
            #expect(!FileManager.default.fileExists(atPath: stack.state + "/secrets/mrdj"))
            let again = try stack.run(["tenant", "onboard", "--tenant", "mrdj", "--vault-mount", "kv"], environment)
            #expect(again.status == 0 && again.stdout.contains("tenant mrdj: unchanged"))
            #expect(vault.writes == 4)

            let noToken = try stack.run(
                ["tenant", "plan", "--tenant", "mrdj"],
                ["VAULT_ADDR": vault.address, "VAULT_TOKEN": nil, "VAULT_TOKEN_FILE": nil])
            #expect(noToken.status == 2)
            #expect(noToken.stderr.contains("VAULT_ADDR is set but no token is"))

            let kept = try RGCRMProcess.run(
                ["tenant", "remove", "mrdj", "--confirm", "mrdj", "--vault-mount", "kv", "--state-dir", stack.state],
                environment: stack.environment.merging(environment) { $1 }, directory: stack.folder)
            #expect(kept.status == 0, "\(kept.stderr)")
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_password") != nil)
            #expect(
                try stack.run(["tenant", "onboard", "--tenant", "mrdj", "--vault-mount", "kv"], environment).status == 0
            )
            let purged = try RGCRMProcess.run(
                [
                    "tenant", "remove", "mrdj", "--confirm", "mrdj", "--vault-mount", "kv", "--purge-secrets",
                    "--state-dir", stack.state,
                ],
                environment: stack.environment.merging(environment) { $1 }, directory: stack.folder)
            #expect(purged.status == 0, "\(purged.stderr)")
            #expect(purged.stdout.contains("vault:kv/data/rentguy/tenants/mrdj/postgres_app_password"))
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_password") == nil)
            // Nothing printed or requested carried the token in a URL.
            #expect(!(onboard.stdout + onboard.stderr + purged.stdout + purged.stderr).contains("s.token-in-a-file"))
            #expect(vault.requests.allSatisfy { !$0.path.contains("token") })
        }
    }

    @Test func theAbortSwitchNeedsItsSecondVariable() throws {
        try OnboardCommandTests.Stack.with("cliabort") { stack throws in
            let ignored = try stack.run(
                ["tenant", "onboard", "--tenant", "mrdj"], ["RG_CRM_TEST_ABORT_AFTER_STEP": "1"])
            #expect(ignored.status == 0, "\(ignored.stderr)")
            try FileManager.default.removeItem(atPath: stack.state + "/secrets/mrdj/postgres_reader_url")
            let aborted = try stack.run(
                ["tenant", "onboard", "--tenant", "mrdj"],
                ["RG_CRM_TEST_ABORT_AFTER_STEP": "1", "RG_CRM_TEST_HOOKS": "1"])
            // The abort stands for a crash: internal, exit 3 — the acceptance's "internal through the built binary".
            #expect(aborted.status == 3)
            #expect(aborted.stderr.contains("aborted after step 1 (RG_CRM_TEST_ABORT_AFTER_STEP, test only)"))
            #expect(aborted.stdout.contains("\nsecrets     failed"))
            #expect(aborted.stdout.contains("\ntemplates   not run"))
            let resumed = try stack.run(["tenant", "onboard", "--tenant", "mrdj"])
            // The step finished before the abort: the re-run has nothing left to do.
            #expect(resumed.status == 0 && resumed.stdout.contains("tenant mrdj: unchanged"), "\(resumed.stdout)")
        }
    }

    @Test func planExitCodesAndJSON() throws {
        try OnboardCommandTests.Stack.with("cliplan") { stack throws in
            let changes = try stack.run([
                "tenant", "plan", "--tenant", "mrdj", "--detailed-exitcode", "--format", "json",
            ])
            #expect(changes.status == 2, "\(changes.stderr)")
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(changes.stdout.utf8)) as? [String: Any])
            #expect(plan["has_changes"] as? Bool == true)
            let unknown = try stack.run(["tenant", "plan", "--tenant", "nope", "--detailed-exitcode"])
            #expect(unknown.status == 1)
            let bad = try stack.run(["tenant", "plan", "--tenant", "Not A Slug"])
            #expect(bad.status == 2)
            let both = try stack.run(["tenant", "onboard", "--tenant", "mrdj", "--all"])
            #expect(both.status == 2)
            for mount in ["../sys", "secret/../x", "a?b", "", "kv//x"] {
                let refused = try stack.run(["tenant", "plan", "--tenant", "mrdj", "--vault-mount", mount])
                #expect(refused.status == 2, "\(mount)")
                #expect(refused.stderr.contains("--vault-mount"), "\(mount)")
            }
        }
    }
}
