import Foundation
import RGCore
import Redis
import SmokeKit
import TestSupport
import Testing

@testable import ProvisionKit

/// The `redis` resource against the real Redis of scripts/redis.sh: one ACL user per tenant, reaching its own
/// queue, keys and channels only.
@Suite(.serialized) struct RedisResourceTests {
    static func settings(_ fixture: ProvisionFixture) throws -> ProvisionSettings {
        var settings = fixture.settings
        settings.redis = RedisSettings(url: try TestRedis.url(), password: try TestRedis.adminPassword())
        return settings
    }

    static func apply(_ settings: ProvisionSettings, _ slug: String) throws -> ProvisionReport {
        let report = try Provisioner(
            settings: settings, slug: try Slug(slug),
            resources: [DatabaseResource(), SecretsResource(), RedisResource()]
        ).apply()
        #expect(report.failure == nil, "\(report.failure.map { "\($0)" } ?? "")")
        return report
    }

    static func connect(_ settings: ProvisionSettings, _ slug: String) throws -> RedisConnection {
        let password = try #require(
            try LocalSecretStore(folder: settings.secretsFolder(try Slug(slug))).read(RedisResource.passwordSecret))
        #expect(password.value.count >= 32)
        let user = RedisResource.user(prefix: settings.rolePrefix, slug: try Slug(slug))
        return try RedisConnection(
            url: try TestRedis.url().replacingOccurrences(of: "redis://", with: "redis://\(user):\(password.value)@"))
    }

    static func setUserCalls() throws -> Int {
        let info = try TestRedis.admin().command(["INFO", "commandstats"]).text ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_acl|setuser:") }
        return line.flatMap { $0.split(separator: "=").dropFirst().first?.split(separator: ",").first }
            .flatMap { Int($0) } ?? 0
    }

    @Test func twoTenantsEachReachOnlyTheirOwnKeysAndARerunSendsNoSetUser() throws {
        let configs = try ConfigFixtures.copies(as: ["acme"])
        try ProvisionFixture.with("redis", configDirectory: configs) { fixture throws in
            let settings = try Self.settings(fixture)
            defer {
                for slug in ["mrdj", "acme"] {
                    _ = try? RedisResource.remove(
                        prefix: settings.rolePrefix, slug: try! Slug(slug), settings: settings.redis!)
                }
            }
            for slug in ["mrdj", "acme"] {
                let report = try Self.apply(settings, slug)
                #expect(report.outcomes.first { $0.name == "redis" }?.result == .changed)
            }
            let mrdj = try Self.connect(settings, "mrdj")
            let acme = try Self.connect(settings, "acme")
            // Its own queue and keys: push, pop, read, write, publish.
            #expect(try mrdj.command(["RPUSH", "crm_automation_queue:mrdj", "job-1", "job-2"]).integer == 2)
            #expect(try mrdj.command(["LPOP", "crm_automation_queue:mrdj"]).text == "job-1")
            #expect(try mrdj.command(["SET", "crm:mrdj:cursor", "7"]) == .status("OK"))
            #expect(try mrdj.command(["GET", "crm:mrdj:cursor"]).text == "7")
            _ = try mrdj.command(["PUBLISH", "crm:mrdj:events", "x"])
            try acme.command(["RPUSH", "crm_automation_queue:acme", "acme-job"])
            // Every data command category on the other tenant's keys is refused.
            let foreign: [[String]] = [
                ["GET", "crm:acme:cursor"], ["SET", "crm:acme:cursor", "1"],
                ["LPUSH", "crm_automation_queue:acme", "x"],
                ["LPOP", "crm_automation_queue:acme"], ["LRANGE", "crm_automation_queue:acme", "0", "-1"],
                ["BLPOP", "crm_automation_queue:acme", "1"],
                ["LMOVE", "crm_automation_queue:acme", "crm:mrdj:x", "LEFT", "LEFT"],
                ["HSET", "crm:acme:h", "f", "v"], ["HGETALL", "crm:acme:h"], ["DEL", "crm_automation_queue:acme"],
                ["EXPIRE", "crm_automation_queue:acme", "1"], ["EXISTS", "crm:acme:cursor"],
                ["TYPE", "crm:acme:cursor"],
                ["PUBLISH", "crm:acme:events", "x"], ["SUBSCRIBE", "crm:acme:events"],
            ]
            for command in foreign {
                let error = #expect(throws: RedisError.self, "\(command)") { try mrdj.command(command) }
                #expect(error?.serverCode == "NOPERM", "\(command): \(error?.description ?? "")")
            }
            // Nothing that reads or changes the server as a whole: no key names of others, no flush, no config.
            for command in [
                ["SCAN", "0"], ["KEYS", "*"], ["RANDOMKEY"], ["DBSIZE"], ["FLUSHALL"], ["FLUSHDB"],
                ["CONFIG", "GET", "*"],
                ["FUNCTION", "FLUSH"], ["SORT", "crm_automation_queue:mrdj"], ["ACL", "LIST"], ["CLIENT", "LIST"],
                ["EVAL", "return 1", "0"], ["PUBSUB", "CHANNELS"], ["SELECT", "1"], ["INFO"],
            ] {
                let error = #expect(throws: RedisError.self, "\(command)") { try mrdj.command(command) }
                #expect(error?.serverCode == "NOPERM", "\(command): \(error?.description ?? "")")
            }
            #expect(try TestRedis.admin().command(["LLEN", "crm_automation_queue:acme"]).integer == 1)

            // A second run: the user is as wanted, and no ACL SETUSER is sent.
            let admin = try TestRedis.admin()
            let before = try admin.command([
                "ACL", "GETUSER", RedisResource.user(prefix: settings.rolePrefix, slug: try Slug("mrdj")),
            ])
            let calls = try Self.setUserCalls()
            let second = try Self.apply(settings, "mrdj")
            #expect(second.outcomes.first { $0.name == "redis" }?.result == .unchanged)
            #expect(try Self.setUserCalls() == calls)
            #expect(
                try admin.command([
                    "ACL", "GETUSER", RedisResource.user(prefix: settings.rolePrefix, slug: try Slug("mrdj")),
                ]) == before)

            // Offboarding mrdj: its user and keys go; acme's queue keeps its item.
            let removed = try RedisResource.remove(
                prefix: settings.rolePrefix, slug: try Slug("mrdj"), settings: settings.redis!)
            #expect(
                removed.contains(
                    "redis user \(RedisResource.user(prefix: settings.rolePrefix, slug: try Slug("mrdj")))"))
            #expect(try admin.command(["EXISTS", "crm_automation_queue:mrdj", "crm:mrdj:cursor"]).integer == 0)
            #expect(try admin.command(["LLEN", "crm_automation_queue:acme"]).integer == 1)
            #expect(throws: RedisError.self) { try Self.connect(settings, "mrdj").command(["PING"]) }
            #expect(try acme.command(["LPOP", "crm_automation_queue:acme"]).text == "acme-job")
        }
    }

    /// Killed between storing the password and `ACL SETUSER`: the re-run makes the user with the stored password.
    @Test func aRunStoppedBetweenPasswordAndUserFinishesWithTheStoredPassword() throws {
        try ProvisionFixture.with("redisabort") { fixture throws in
            var settings = try Self.settings(fixture)
            defer {
                _ = try? RedisResource.remove(
                    prefix: settings.rolePrefix, slug: try! Slug("mrdj"), settings: settings.redis!)
            }
            let resources: [any ProvisionedResource] = [DatabaseResource(), SecretsResource(), RedisResource()]
            // Each run stops after one more step (a run counts only the steps it applies): walk every boundary until a
            // run stops with the password stored and no user yet.
            let store = LocalSecretStore(folder: settings.secretsFolder(try Slug("mrdj")))
            let user = RedisResource.user(prefix: settings.rolePrefix, slug: try Slug("mrdj"))
            var stored: String?
            settings.abortAfterStep = 1
            for step in 1...40 {
                let aborted = try Provisioner(settings: settings, slug: try Slug("mrdj"), resources: resources).apply()
                guard case .abortedForTest? = aborted.failure else {
                    Issue.record("step \(step): \(String(describing: aborted.failure))")
                    break
                }
                if let password = try store.read(RedisResource.passwordSecret)?.value,
                    try TestRedis.admin().command(["ACL", "GETUSER", user]) == .null
                {
                    stored = password
                    break
                }
            }
            let password = try #require(stored, "no run stopped between storing the password and ACL SETUSER")
            settings.abortAfterStep = nil
            _ = try Self.apply(settings, "mrdj")
            #expect(try store.read(RedisResource.passwordSecret)?.value == password)
            #expect(try Self.connect(settings, "mrdj").command(["PING"]) == .status("PONG"))
        }
    }

    /// Smoke's `redis` group logs in as the tenant's user with its stored password: green as provisioned, and each
    /// widened permission fails exactly its check.
    @Test func smokesRedisGroupPassesAsProvisionedAndFindsAWidenedUser() throws {
        try ProvisionFixture.with("redissmoke") { fixture throws in
            let settings = try Self.settings(fixture)
            let slug = try Slug("mrdj")
            defer { _ = try? RedisResource.remove(prefix: settings.rolePrefix, slug: slug, settings: settings.redis!) }
            _ = try Self.apply(settings, "mrdj")
            let context = TenantSmoke.context(settings, slug: slug)
            func statuses() -> [String: CheckStatus] {
                let results = BlockingRun.run { await SmokeSuite.run(context, groups: [.redis]) }
                return Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0.status) })
            }
            #expect(statuses() == ["redis.queue": .pass, "redis.isolation": .pass, "redis.admin": .pass])
            let user = RedisResource.user(prefix: settings.rolePrefix, slug: slug)
            let admin = try TestRedis.admin()
            try admin.command(["ACL", "SETUSER", user, "+keys"])
            #expect(statuses() == ["redis.queue": .pass, "redis.isolation": .pass, "redis.admin": .fail])
            try admin.command(["ACL", "SETUSER", user, "-keys", "~crm:__smoke_other:*"])
            #expect(statuses() == ["redis.queue": .pass, "redis.isolation": .fail, "redis.admin": .pass])
            try admin.command(["ACL", "SETUSER", user, "resetkeys"])
            #expect(statuses() == ["redis.queue": .fail, "redis.isolation": .pass, "redis.admin": .pass])
            // The next apply sees the drift and puts the user back as wanted.
            let again = try Self.apply(settings, "mrdj")
            #expect(again.outcomes.first { $0.name == "redis" }?.result == .changed)
            #expect(statuses() == ["redis.queue": .pass, "redis.isolation": .pass, "redis.admin": .pass])
            // Without Redis settings the group is skipped with the reason, never passed.
            var none = settings
            none.redis = nil
            let unconfigured = TenantSmoke.context(none, slug: slug)
            let skipped = BlockingRun.run { await SmokeSuite.run(unconfigured, groups: [.redis]) }
            #expect(skipped.allSatisfy { $0.status == .skip && $0.message == "REDIS_URL not set" })
        }
    }

    /// `tenant remove`'s offboarding takes the Redis user and the tenant's keys with the rest.
    @Test func offboardingRemovesTheRedisUserAndKeys() throws {
        try ProvisionFixture.with("redisremove") { fixture throws in
            let settings = try Self.settings(fixture)
            let slug = try Slug("mrdj")
            defer { _ = try? RedisResource.remove(prefix: settings.rolePrefix, slug: slug, settings: settings.redis!) }
            _ = try Self.apply(settings, "mrdj")
            try Self.connect(settings, "mrdj").command(["RPUSH", "crm_automation_queue:mrdj", "job"])
            let report = try Offboarding.remove(
                slug, connection: try fixture.admin(), settings: settings, purgeVault: false)
            let user = RedisResource.user(prefix: settings.rolePrefix, slug: slug)
            #expect(report.removedRedis == ["redis user \(user)", "1 Redis key(s) of mrdj"])
            #expect(report.removedSecrets.contains { $0.hasSuffix("/redis_password") })
            let admin = try TestRedis.admin()
            #expect(try admin.command(["ACL", "GETUSER", user]) == .null)
            #expect(try admin.command(["EXISTS", "crm_automation_queue:mrdj"]).integer == 0)
        }
    }
}
