import Foundation
import Postgres
import TestSupport

/// A tenant onboarded as the README says (db migrate, db seed, templates clone) in a database of its own, and
/// `rg-crm smoke` run against it: the real command, with the seed's dry run wired in.
struct SmokeFixture {
    let database: TenantDatabase
    var automation: String
    var configDirectory = TestPaths.repository("configs/tenants")
    var slug = "mrdj"

    /// A second tenant in the same database: a copy of mrdj's pack under `slug`, cloned to a folder of its own.
    func another(_ slug: String) throws -> SmokeFixture {
        var other = self
        other.slug = slug
        other.configDirectory = try ConfigFixtures.copy(as: slug)
        other.automation = try TestPaths.temporaryDirectory("smoke") + "/automation"
        try other.onboard()
        return other
    }

    /// A fresh database with mrdj migrated, seeded and cloned.
    static func with<T>(_ label: String = "smoke", _ body: (SmokeFixture) throws -> T) throws -> T {
        try TenantDatabase.with(label) { database throws in
            let fixture = SmokeFixture(
                database: database, automation: try TestPaths.temporaryDirectory("smoke") + "/automation")
            defer {
                try? FileManager.default.removeItem(atPath: (fixture.automation as NSString).deletingLastPathComponent)
            }
            try fixture.rg(["db", "migrate"])
            try fixture.onboard()
            return try body(fixture)
        }
    }

    /// Seeds and clones the fixture's tenant.
    func onboard() throws {
        try rg(["db", "seed", "--tenant", slug, "--config-dir", configDirectory, "--role-prefix", database.rolePrefix])
        try rg(
            ["templates", "clone", "--tenant", slug, "--config-dir", configDirectory, "--to", automation],
            database: false)
    }

    /// Runs rg-crm against the fixture's database; a non-zero exit is thrown.
    @discardableResult
    func rg(_ arguments: [String], database usesDatabase: Bool = true) throws -> CommandResult {
        let result = try TestProcess.run(
            TestPaths.executable, arguments + (usesDatabase ? ["--database-url", database.url] : []))
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var result: CommandResult
        var description: String {
            "rg-crm \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)\(result.stdout)"
        }
    }

    /// The smoke command's arguments for this fixture.
    func smokeArguments(_ more: [String] = []) -> [String] {
        [
            "smoke", "--tenant", slug, "--config-dir", configDirectory, "--role-prefix", database.rolePrefix,
            "--automation", automation, "--database-url", database.url,
        ] + more
    }

    /// Runs smoke with --format json; its results by id, and the process's exit status. Without Metabase unless
    /// `environment` names one (METABASE_URL is removed from the test's own environment).
    func smoke(_ more: [String] = [], environment: [String: String?] = [:]) throws -> SmokeReport {
        try SmokeReport(
            TestProcess.run(
                TestPaths.executable, smokeArguments(["--format", "json"] + more),
                environment: ["METABASE_URL": nil, "REDIS_URL": nil].merging(environment) { $1 }))
    }

    /// A connection as the owner (the migrating role), for breaking things.
    func owner() throws -> Connection { try Connection(conninfo: database.url) }
}

/// `rg-crm smoke --format json`, read back.
struct SmokeReport: CustomStringConvertible {
    struct Result {
        var id: String
        var status: String
        var message: String?
        var remediation: String?
    }

    var status: Int32
    var results: [Result]
    var manual: [[String: Any]]
    var raw: CommandResult

    init(_ command: CommandResult) throws {
        raw = command
        status = command.status
        guard let object = try? JSONSerialization.jsonObject(with: Data(command.stdout.utf8)) as? [String: Any] else {
            throw SmokeFixture.CommandFailed(arguments: ["smoke"], result: command)
        }
        results = ((object["results"] as? [[String: Any]]) ?? []).map {
            Result(
                id: $0["id"] as? String ?? "", status: $0["status"] as? String ?? "", message: $0["message"] as? String,
                remediation: $0["remediation"] as? String)
        }
        manual = object["manual"] as? [[String: Any]] ?? []
    }

    func ids(_ status: String) -> Set<String> { Set(results.filter { $0.status == status }.map(\.id)) }
    func result(_ id: String) -> Result? { results.first { $0.id == id } }

    var description: String {
        results.filter { $0.status != "pass" }.map {
            "\($0.id) \($0.status): \($0.message ?? "") fix: \($0.remediation ?? "")"
        }
        .joined(separator: "\n") + "\nstderr: \(raw.stderr)"
    }
}
