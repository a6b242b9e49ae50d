import Foundation
import Redis

/// Where the tests' Redis is. Tests that need it fail, loudly and never silently skipped, when `REDIS_URL` is not
/// set: start it with `eval "$(scripts/redis.sh start)"`, or run the whole suite with `scripts/test.sh`.
public enum TestRedis {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "REDIS_URL is not set: these tests need the real Redis; run scripts/test.sh or eval \"$(scripts/redis.sh start)\""
        }
    }

    /// The server's URL from the environment (no password in it: scripts/redis.sh prints none).
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else { throw Missing() }
        return url
    }

    /// The default user's password, from the file scripts/redis.sh names in REDIS_PASSWORD_FILE.
    public static func adminPassword() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["REDIS_PASSWORD_FILE"], !path.isEmpty else {
            throw Missing()
        }
        return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An admin connection.
    public static func admin() throws -> RedisConnection {
        try RedisConnection(url: url(), password: adminPassword())
    }

    /// A key prefix no other test uses.
    public static func uniquePrefix(_ label: String = "t") -> String {
        "rgtest:\(label):\(UUID().uuidString.prefix(8).lowercased())"
    }
}
