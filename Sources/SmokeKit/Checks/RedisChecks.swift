import Foundation
import RGCore
import Redis

/// `redis`: the tenant's Redis user, logged in with its own stored password (never the admin's): it reaches its
/// queue and its own keys, not another tenant's, and none of the commands that read or change the server as a whole.
/// Read-only for the tenant's data: the push and pop go to a scratch key of its own, deleted again.
enum RedisChecks {
    static let all: [SmokeCheck] = [queue, isolation, admin]

    /// Keys of a tenant that cannot exist: `__smoke_other` is no valid slug.
    static let foreignQueue = "crm_automation_queue:__smoke_other"
    static let foreignKey = "crm:__smoke_other:probe"

    static func connect(_ session: SmokeSession) throws -> RedisConnection {
        guard let access = session.context.redis else {
            throw SkipCheck(session.context.redisUnavailable ?? "REDIS_URL not set")
        }
        return try RedisConnection(url: access.url, password: access.password, timeoutSeconds: 5)
    }

    static let queue = SmokeCheck(.redis, "redis.queue", "the tenant's user can push to and pop from its own keys") {
        session in
        let redis = try connect(session)
        let slug = session.context.slug
        let fix = "run rg-crm tenant apply --tenant \(slug) to set the Redis user's rules again"
        do {
            _ = try redis.command(["LLEN", "crm_automation_queue:\(slug)"])
            let scratch = "crm:\(slug):smoke:\(UUID().uuidString.prefix(8))"
            defer { _ = try? redis.command(["DEL", scratch]) }
            _ = try redis.command(["RPUSH", scratch, "probe"])
            guard try redis.command(["LPOP", scratch]).text == "probe" else {
                return .fail("a pushed item did not come back", fix: fix)
            }
            return .pass("queue crm_automation_queue:\(slug) and keys crm:\(slug):* reachable")
        } catch let error as RedisError where error.serverCode == "NOPERM" {
            return .fail("refused on its own keys: \(error.message)", fix: fix)
        }
    }

    static let isolation = SmokeCheck(.redis, "redis.isolation", "another tenant's queue and keys are refused") {
        session in
        let redis = try connect(session)
        var reached: [String] = []
        for command in [["LPUSH", foreignQueue, "x"], ["GET", foreignKey], ["LRANGE", foreignQueue, "0", "0"]] {
            do {
                _ = try redis.command(command)
                reached.append(command[0])
            } catch let error as RedisError where error.serverCode == "NOPERM" {}
        }
        if !reached.isEmpty { _ = try? redis.command(["DEL", foreignQueue]) }
        return reached.isEmpty
            ? .pass()
            : .fail(
                "the user reached another tenant's keys with \(reached.joined(separator: ", "))",
                fix: "run rg-crm tenant apply --tenant \(session.context.slug) to reset the Redis user's key patterns")
    }

    static let admin = SmokeCheck(.redis, "redis.admin", "CONFIG, FLUSHALL, KEYS and SCAN are refused") { session in
        let redis = try connect(session)
        var allowed: [String] = []
        // Refused by the ACL before they run; KEYS and SCAN would list every tenant's key names.
        for command in [["CONFIG", "GET", "maxmemory"], ["FLUSHALL"], ["KEYS", "*"], ["SCAN", "0"]] {
            do {
                _ = try redis.command(command)
                allowed.append(command[0])
            } catch let error as RedisError where error.serverCode == "NOPERM" {}
        }
        return allowed.isEmpty
            ? .pass()
            : .fail(
                "the user may run \(allowed.joined(separator: ", "))",
                fix: "run rg-crm tenant apply --tenant \(session.context.slug) to reset the Redis user's commands")
    }
}
