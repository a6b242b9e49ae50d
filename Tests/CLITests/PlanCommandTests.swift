import Foundation
import Postgres
import TestSupport
import Testing

/// `--dry-run --format json` and `--detailed-exitcode` of the three commands that plan: `db migrate`, `db seed`,
/// `templates clone`. One Plan JSON shape (README, "Plans and --dry-run"); exit 0 no changes, 2 changes, 1 error.
@Suite struct PlanCommandTests {
    /// A server that refuses connections: nothing listens on port 1.
    static let unreachable = "postgresql://rgcrm@127.0.0.1:1/rgcrm?connect_timeout=2"

    static func run(_ arguments: [String], _ environment: [String: String?] = [:]) throws -> CommandResult {
        try RGCRMProcess.run(
            arguments, environment: environment.merging(["NO_COLOR": "1"]) { $1 }, directory: TestPaths.repository("."))
    }

    /// The plan a command printed, parsed; every change's keys and the summary's keys checked to be the documented ones.
    static func plan(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any]
    {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)\(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(
            Set(document.keys) == ["format_version", "applied", "has_changes", "summary", "changes"],
            sourceLocation: sourceLocation)
        #expect(document["format_version"] as? String == "1", sourceLocation: sourceLocation)
        #expect(
            Set((document["summary"] as? [String: Int] ?? [:]).keys) == [
                "create", "update", "delete", "conflict", "unchanged",
            ],
            sourceLocation: sourceLocation)
        for change in document["changes"] as? [[String: Any]] ?? [] {
            #expect(
                Set(change.keys) == ["action", "kind", "identity", "detail", "before", "after"],
                sourceLocation: sourceLocation)
        }
        return document
    }

    static func changes(_ plan: [String: Any]) -> [[String: Any]] { plan["changes"] as? [[String: Any]] ?? [] }

    static func actions(_ plan: [String: Any]) -> Set<String> {
        Set(changes(plan).compactMap { $0["action"] as? String })
    }

    @Test func theThreeDryRunsPrintOnePlanShapeAndExitByTheirChanges() throws {
        try TenantDatabase.with("plancli") { database throws in
            let environment = ["RG_CRM_ROLE_PREFIX": database.rolePrefix, "DATABASE_URL": database.url]
            let detailed = ["--dry-run", "--format", "json", "--detailed-exitcode"]

            // db migrate: pending migrations are creates with their SQL; the text dry run still prints the SQL.
            let migratePlan = try Self.run(["db", "migrate"] + detailed, environment)
            #expect(migratePlan.status == 2, "\(migratePlan.stderr)")
            let migrate = try Self.plan(migratePlan)
            #expect(migrate["applied"] as? Bool == false && migrate["has_changes"] as? Bool == true)
            #expect(Self.actions(migrate) == ["create"])
            let first = try #require(Self.changes(migrate).first)
            #expect(first["kind"] as? String == "migration")
            #expect((first["identity"] as? String)?.hasPrefix("0001_") == true)
            #expect((first["after"] as? String)?.contains("CREATE") == true)
            let sql = try Self.run(["db", "migrate", "--dry-run"], environment)
            #expect(sql.status == 0 && sql.stdout.hasPrefix("-- 0001_"), "\(sql.stderr)")
            #expect(
                try Self.run(["db", "migrate", "--dry-run"], environment).status == 0,
                "no --detailed-exitcode: 0 as before")
            #expect(try Self.run(["db", "migrate"], environment).status == 0)
            let migrated = try Self.run(["db", "migrate"] + detailed, environment)
            #expect(migrated.status == 0, "\(migrated.stderr)")
            let migratedPlan = try Self.plan(migrated)
            #expect(migratedPlan["has_changes"] as? Bool == false && Self.actions(migratedPlan) == ["unchanged"])

            // db seed: a rolled-back run; nothing is committed.
            let seedPlan = try Self.run(["db", "seed", "--tenant", "mrdj"] + detailed, environment)
            #expect(seedPlan.status == 2, "\(seedPlan.stderr)")
            let seed = try Self.plan(seedPlan)
            #expect(
                Self.changes(seed).contains {
                    $0["action"] as? String == "create" && $0["kind"] as? String == "tenant"
                        && $0["identity"] as? String == "mrdj"
                })
            #expect(try Connection(conninfo: database.url).query("SELECT count(*) FROM crm.crm_tenants").scalar == "0")
            let seedText = try Self.run(["db", "seed", "--tenant", "mrdj", "--dry-run"], environment)
            #expect(seedText.status == 0)
            #expect(seedText.stdout.hasPrefix("tenant mrdj: would change "))
            #expect(seedText.stdout.contains("\n+ create pipeline wedding_sales\n"))
            #expect(seedText.stdout.hasSuffix(" to delete, 0 conflicts, 0 unchanged.\n"), "\(seedText.stdout)")
            let seeded = try Self.run(["db", "seed", "--tenant", "mrdj", "--format", "json"], environment)
            #expect(seeded.status == 0, "\(seeded.stderr)")
            #expect(try Self.plan(seeded)["applied"] as? Bool == true)
            let seedAgain = try Self.run(["db", "seed", "--tenant", "mrdj"] + detailed, environment)
            #expect(seedAgain.status == 0, "\(seedAgain.stderr)")
            #expect(Self.actions(try Self.plan(seedAgain)) == ["unchanged"])

            // templates clone: files by path under the target; a hand edit is a conflict, and a change.
            let target = try TestPaths.temporaryDirectory("plan-clone") + "/automation"
            defer { try? FileManager.default.removeItem(atPath: (target as NSString).deletingLastPathComponent) }
            let clonePlan = try Self.run(["templates", "clone", "--tenant", "mrdj", "--to", target] + detailed)
            #expect(clonePlan.status == 2, "\(clonePlan.stderr)")
            let clone = try Self.plan(clonePlan)
            #expect(Self.actions(clone) == ["create"])
            #expect(
                Self.changes(clone).allSatisfy {
                    $0["kind"] as? String == "file" && ($0["identity"] as? String)?.hasPrefix(target + "/") == true
                })
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try Self.run(["templates", "clone", "--tenant", "mrdj", "--to", target]).status == 0)
            let cloned = try Self.run(["templates", "clone", "--tenant", "mrdj", "--to", target] + detailed)
            #expect(cloned.status == 0, "\(cloned.stderr)")
            #expect(Self.actions(try Self.plan(cloned)) == ["unchanged"])
            try Data("Hallo!\n".utf8).write(to: URL(fileURLWithPath: target + "/templates/sms/payment_reminder.txt"))
            let conflict = try Self.run(["templates", "clone", "--tenant", "mrdj", "--to", target] + detailed)
            #expect(conflict.status == 2, "a conflict is a change under --detailed-exitcode")
            let conflicted = try #require(
                Self.changes(try Self.plan(conflict)).first { $0["action"] as? String == "conflict" })
            #expect(conflicted["before"] as? String == "Hallo!")
            #expect(
                try Self.run(["templates", "clone", "--tenant", "mrdj", "--to", target, "--dry-run"]).status == 1,
                "without it: 1, as before")

            // One shape: the same keys at the top, in the summary and in every change, from all three.
            let shapes = [migrate, seed, clone].map { plan in
                [
                    Set(plan.keys), Set((plan["summary"] as? [String: Any] ?? [:]).keys),
                    Set(Self.changes(plan).flatMap(\.keys)),
                ]
            }
            #expect(shapes[0] == shapes[1] && shapes[1] == shapes[2])
        }
    }

    /// Every error exits 1 under --detailed-exitcode, bad input included (which otherwise exits 2), so 2 means changes.
    @Test(arguments: [
        (["db", "migrate", "--database-url", unreachable], 1),
        (["db", "migrate", "--database-url", "postgresql://rgcrm@127.0.0.1:notaport/rgcrm"], 2),
        (["db", "seed", "--tenant", "mrdj", "--database-url", unreachable], 1),
        (["db", "seed", "--tenant", "Not-A-Slug", "--database-url", unreachable], 2),
        (["templates", "clone", "--tenant", "nosuchtenant", "--to", "/nonexistent/rg-crm-plan"], 2),
        (
            [
                "templates", "clone", "--tenant", "mrdj", "--from", "/nonexistent/bundle.zip", "--to",
                "/nonexistent/rg-crm-plan",
            ], 2
        ),
    ])
    func anErrorExitsOneWithDetailedExitcode(arguments: [String], usual: Int) throws {
        let plain = try Self.run(arguments + ["--dry-run"])
        #expect(plain.status == Int32(usual), "\(plain.stderr)")
        #expect(plain.stderr.hasPrefix("rg-crm: error: "))
        for format in ["text", "json"] {
            let detailed = try Self.run(arguments + ["--dry-run", "--format", format, "--detailed-exitcode"])
            #expect(detailed.status == 1, "\(detailed.stderr)")
            #expect(detailed.stderr.hasPrefix("rg-crm: error: "))
            #expect(detailed.stdout.isEmpty)
        }
    }

    /// A command line ArgumentParser refuses exits 2, but 1 when it asks for --detailed-exitcode.
    @Test(arguments: [
        ["db", "migrate"], ["db", "seed", "--tenant", "mrdj"], ["templates", "clone", "--tenant", "mrdj"],
    ])
    func aBadCommandLineWithDetailedExitcodeExitsOne(command: [String]) throws {
        let withoutDryRun = try Self.run(command + ["--detailed-exitcode", "--database-url", Self.unreachable])
        #expect(withoutDryRun.status == 1)
        #expect(withoutDryRun.stderr == "rg-crm: error: --detailed-exitcode needs --dry-run\n")
        #expect(try Self.run(command + ["--dry-run", "--format", "yaml", "--detailed-exitcode"]).status == 1)
        #expect(try Self.run(command + ["--dry-run", "--format", "yaml"]).status == 2)
    }
}
