import Foundation
import RGCore
import Redis

/// Where the tenants' Redis is and how rg-crm logs in to it as an admin (a user that may `ACL SETUSER`).
public struct RedisSettings: Sendable {
    public var url: String
    /// The admin's password, read by the command from REDIS_PASSWORD_FILE (never from an argument).
    public var password: String?

    public init(url: String, password: String?) {
        self.url = url
        self.password = password
    }
}

/// `redis`: the tenant's ACL user on the shared Redis — `<prefix>_<slug>`, reaching only its queue
/// `crm_automation_queue:<slug>`, its keys `crm:<slug>:*` and its channels `crm:<slug>:*`, with the commands a queue
/// worker needs and nothing that reads or changes the server as a whole. Its password is generated and stored in
/// the secret store before the user gets it (the same order rule as the database's logins).
///
/// The commands are an allow-list, not `+@read +@write`: those categories also grant SCAN, RANDOMKEY and DBSIZE (every
/// tenant's key names) and FUNCTION FLUSH/DELETE/LOAD (the whole server's functions) — seen on Redis 7.0. SORT is left
/// out of `@list` (its BY/GET patterns name other keys).
public struct RedisResource: ProvisionedResource {
    public var name: String { "redis" }

    public init() {}

    public static let passwordSecret = TenantSecrets.redisPassword

    /// The rules the user gets after `reset`, as `ACL GETUSER` reports them back (order aside).
    static let commandRules = [
        "-@all", "+@list", "-sort", "-sort_ro", "+ping", "+echo", "+hello", "+auth", "+reset", "+quit",
        "+client|setname", "+client|getname", "+client|id", "+get", "+set", "+del", "+unlink", "+exists", "+expire",
        "+ttl", "+type", "+incr", "+hget", "+hset", "+hdel", "+hgetall", "+publish", "+subscribe", "+unsubscribe",
        "+psubscribe", "+punsubscribe",
    ]

    public static func user(prefix: String, slug: Slug) -> String { "\(prefix)_\(slug)" }

    /// The shared Redis's URL for `user`: any user and password of the admin's URL replaced by the user's name (its
    /// password travels apart).
    public static func url(_ adminURL: String, user: String) -> String {
        guard let scheme = adminURL.range(of: "://") else { return adminURL }
        var rest = adminURL[scheme.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        // `user:` with an empty password: a bare `user@` would be read as a password, as redis-cli reads it.
        return String(adminURL[..<scheme.upperBound]) + "\(user):@" + rest
    }
    public static func queue(_ slug: Slug) -> String { "crm_automation_queue:\(slug)" }
    static func keyPatterns(_ slug: Slug) -> [String] { ["~\(queue(slug))", "~crm:\(slug):*"] }
    static func channelPatterns(_ slug: Slug) -> [String] { ["&crm:\(slug):*"] }

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        guard let settings = context.settings.redis else { return .skipped("REDIS_URL not set") }
        let user = Self.user(prefix: context.settings.rolePrefix, slug: context.slug)
        let stored = try context.secrets.read(Self.passwordSecret)
        let identity = context.secrets.identity(Self.passwordSecret)
        let found = try Self.run(settings) { redis throws(RedisError) in try Self.getUser(user, on: redis) }
        let passwordChange =
            stored == nil
            ? Change(.create, "secret", identity, after: "(sensitive)") : Change(.unchanged, "secret", identity)
        let userChange: Change
        if found == nil {
            userChange = Change(.create, "redis user", user, detail: "queue \(Self.queue(context.slug))")
        } else if let stored, let found, found == Self.desired(context.slug, password: stored.value) {
            userChange = Change(.unchanged, "redis user", user)
        } else {
            userChange = Change(.update, "redis user", user, detail: "rules, keys or password differ")
        }
        let facts = [user, "secret=\(stored?.version ?? 0)", "user=\(found.map { "\($0)" } ?? "none")"]
        return Observation(
            steps: [ResourceStep(Self.passwordSecret, [passwordChange]), ResourceStep("user", [userChange])],
            fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        guard let settings = context.settings.redis else { return [] }
        let identity = context.secrets.identity(Self.passwordSecret)
        if step.id == Self.passwordSecret {
            let created = try context.secrets.create(Self.passwordSecret, value: PasswordGenerator.generate()).created
            return [Change(created ? .create : .unchanged, "secret", identity, after: created ? "(sensitive)" : nil)]
        }
        guard let password = try context.secrets.read(Self.passwordSecret) else {
            throw .secrets("\(identity): the Redis user's password is not stored yet; its step stores it first")
        }
        let user = Self.user(prefix: context.settings.rolePrefix, slug: context.slug)
        let existed = try Self.run(settings) { redis throws(RedisError) in
            let existed = try Self.getUser(user, on: redis) != nil
            try redis.command(
                ["ACL", "SETUSER", user, "reset", "on", ">\(password.value)"] + Self.keyPatterns(context.slug)
                    + Self.channelPatterns(context.slug) + Self.commandRules)
            return existed
        }
        return [Change(existed ? .update : .create, "redis user", user)]
    }

    /// The user as rg-crm makes it, in the terms `ACL GETUSER` reports.
    struct ACLUser: Equatable, CustomStringConvertible {
        var enabled: Bool
        var passwordHashes: Set<String>
        var commands: Set<String>
        var keys: Set<String>
        var channels: Set<String>

        var description: String {
            "\(enabled) \(passwordHashes.sorted()) \(commands.sorted()) \(keys.sorted()) \(channels.sorted())"
        }
    }

    static func desired(_ slug: Slug, password: String) -> ACLUser {
        ACLUser(
            enabled: true, passwordHashes: [Digest.sha256Hex(password)], commands: Set(commandRules),
            keys: Set(keyPatterns(slug)), channels: Set(channelPatterns(slug)))
    }

    static func getUser(_ user: String, on redis: RedisConnection) throws(RedisError) -> ACLUser? {
        let reply = try redis.command(["ACL", "GETUSER", user])
        guard let items = reply.elements else { return nil }
        var fields: [String: RedisReply] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let key = items[index].text { fields[key] = items[index + 1] }
        }
        func words(_ name: String) -> Set<String> {
            Set((fields[name]?.text ?? "").split(separator: " ").map(String.init))
        }
        let flags = Set((fields["flags"]?.elements ?? []).compactMap(\.text))
        return ACLUser(
            enabled: flags.contains("on"),
            passwordHashes: Set((fields["passwords"]?.elements ?? []).compactMap(\.text)),
            commands: words("commands"), keys: words("keys"), channels: words("channels"))
    }

    static func run<T>(_ settings: RedisSettings, _ body: (RedisConnection) throws(RedisError) -> T)
        throws(ProvisionError) -> T
    {
        do {
            let redis = try RedisConnection(url: settings.url, password: settings.password)
            return try body(redis)
        } catch {
            throw .underlying(error)
        }
    }

    /// Offboarding: the user and every key of the tenant (its queue and `crm:<slug>:*`), found with SCAN by the
    /// admin; other tenants' keys are never touched. Returns what was removed.
    public static func remove(prefix: String, slug: Slug, settings: RedisSettings) throws(ProvisionError) -> [String] {
        try run(settings) { redis throws(RedisError) in
            var removed: [String] = []
            let user = Self.user(prefix: prefix, slug: slug)
            if try redis.command(["ACL", "DELUSER", user]).integer == 1 { removed.append("redis user \(user)") }
            var keys = 0
            for pattern in [queue(slug), "crm:\(slug):*"] {
                var cursor = "0"
                repeat {
                    let reply = try redis.command(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"])
                    let parts = reply.elements ?? []
                    cursor = parts.first?.text ?? "0"
                    let found = (parts.count > 1 ? parts[1].elements ?? [] : []).compactMap(\.text)
                    if !found.isEmpty { keys += Int(try redis.command(["UNLINK"] + found).integer ?? 0) }
                } while cursor != "0"
            }
            if keys > 0 { removed.append("\(keys) Redis key(s) of \(slug)") }
            return removed
        }
    }
}
