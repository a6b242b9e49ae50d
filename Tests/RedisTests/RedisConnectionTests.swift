import Foundation
import RGCore
import Redis
import TestSupport
import Testing

/// Against the real Redis of scripts/redis.sh (REDIS_URL, REDIS_PASSWORD_FILE).
@Suite struct RedisConnectionTests {
    @Test func argumentsTravelAsArraysWhateverTheyHold() throws {
        let redis = try TestRedis.admin()
        let key = TestRedis.uniquePrefix("argv") + ":key with spaces %s \"quotes\""
        let value = "line one\r\nline two %d \u{0} ë€"
        defer { _ = try? redis.command(["DEL", key]) }
        #expect(try redis.command(["SET", key, value]) == .status("OK"))
        #expect(try redis.command(["GET", key]) == .string(Array(value.utf8)))
        #expect(try redis.command(["GET", key + ":missing"]) == .null)
        #expect(try redis.command(["RPUSH", key + ":list", "a", "", "c"]).integer == 3)
        #expect(
            try redis.command(["LRANGE", key + ":list", "0", "-1"])
                == .array([.string(Array("a".utf8)), .string([]), .string(Array("c".utf8))]))
        _ = try redis.command(["DEL", key + ":list"])
    }

    @Test func aServerErrorReplyIsThrownWithItsCodeAndTheCommandsName() throws {
        let redis = try TestRedis.admin()
        let key = TestRedis.uniquePrefix("wrongtype")
        defer { _ = try? redis.command(["DEL", key]) }
        try redis.command(["SET", key, "x"])
        let error = #expect(throws: RedisError.self) { try redis.command(["LPUSH", key, "y"]) }
        #expect(error?.kind == .server)
        #expect(error?.serverCode == "WRONGTYPE")
        #expect(error?.category == .failed)
        #expect(error?.description.hasPrefix("Redis at 127.0.0.1:") == true)
        #expect(error?.description.contains("LPUSH failed: WRONGTYPE") == true, "\(error?.description ?? "")")
        // The connection is still usable after an error reply.
        #expect(try redis.command(["PING"]) == .status("PONG"))
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() throws {
        let url = try TestRedis.url()
        let wrong = "not-the-password-\(UUID().uuidString)"
        let error = #expect(throws: RedisError.self) { try RedisConnection(url: url, password: wrong) }
        #expect(error?.kind == .authentication)
        #expect(error?.serverCode == "WRONGPASS")
        #expect(error?.description.contains(wrong) == false)
        // In the URL too.
        let inURL = url.replacingOccurrences(of: "redis://", with: "redis://default:\(wrong)@")
        let second = #expect(throws: RedisError.self) { try RedisConnection(url: inURL) }
        #expect(second?.kind == .authentication)
        #expect(second?.description.contains(wrong) == false)
        // Without any password the server refuses commands: protected by requirepass.
        let anonymous = try RedisConnection(url: url)
        let refused = #expect(throws: RedisError.self) { try anonymous.command(["PING"]) }
        #expect(refused?.serverCode == "NOAUTH")
    }

    @Test func aRefusedACLRuleIsReportedWithoutThePasswordItCarried() throws {
        let redis = try TestRedis.admin()
        let user = "rgtest_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "pw-\(UUID().uuidString)"
        defer { _ = try? redis.command(["ACL", "DELUSER", user]) }
        try redis.command(["ACL", "SETUSER", user, "on", ">\(password)", "+acl|whoami"])
        // Removing a password the user lacks: Redis echoes the rule, password and all.
        let other = "other-\(UUID().uuidString)"
        let error = #expect(throws: RedisError.self) { try redis.command(["ACL", "SETUSER", user, "<\(other)"]) }
        #expect(error?.serverCode == "ERR")
        #expect(error?.description.contains("ACL SETUSER failed") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains(other) == false)
        #expect(error?.description.contains("****") == true)
        // The user can log in with its password, by user name.
        let url = try TestRedis.url().replacingOccurrences(of: "redis://", with: "redis://\(user):\(password)@")
        let asUser = try RedisConnection(url: url)
        #expect(try asUser.command(["ACL", "WHOAMI"]).text == user)
    }

    @Test func noServerIsAConnectionError() throws {
        // A port that was free a moment ago: bound, then closed.
        let port = try ListeningSocket().port
        let error = #expect(throws: RedisError.self) { try RedisConnection(url: "redis://127.0.0.1:\(port)") }
        #expect(error?.kind == .connection)
        #expect(error?.category == .failed)
        #expect(error?.description.contains("cannot connect to Redis at 127.0.0.1:\(port)") == true)
    }

    @Test func aCommandThatOutlivesTheTimeoutIsATimeout() throws {
        let redis = try RedisConnection(url: TestRedis.url(), password: TestRedis.adminPassword(), timeoutSeconds: 1)
        let key = TestRedis.uniquePrefix("timeout")
        let error = #expect(throws: RedisError.self) { try redis.command(["BLPOP", key, "5"]) }
        #expect(error?.kind == .timeout)
        #expect(error?.description.contains("BLPOP timed out") == true, "\(error?.description ?? "")")
        // hiredis cannot use the connection again: the next command says so rather than "timed out" again.
        let next = #expect(throws: RedisError.self) { try redis.command(["PING"]) }
        #expect(next?.kind == .connection)
        #expect(next?.description.contains("unusable after an earlier timeout") == true)
    }
}
