import RGCore
import Testing

@testable import Redis

@Suite struct RedisURLTests {
    @Test(arguments: [
        ("redis://127.0.0.1:56379", "127.0.0.1", 56379, 0, nil as String?, nil as String?),
        ("redis://localhost", "localhost", 6379, 0, nil, nil),
        ("redis://worker:@10.0.0.2:7000/3", "10.0.0.2", 7000, 3, "worker", nil),
        ("redis://worker:s3cr%40t@host:6380/", "host", 6380, 0, "worker", "s3cr@t"),
        ("redis://:only-password@host", "host", 6379, 0, nil, "only-password"),
        ("redis://u:p@ss/word@[::1]:6390/1", "::1", 6390, 1, "u", "p@ss/word"),
        ("REDIS://Host:1", "Host", 1, 0, nil, nil),
        // As redis-cli: userinfo without a colon is the password.
        ("redis://hunter22@host", "host", 6379, 0, nil, "hunter22"),
    ])
    func parsesWhatRedisCLIReads(
        text: String, host: String, port: Int, database: Int, user: String?, password: String?
    ) throws {
        let url = try RedisURL(text)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.database == database)
        #expect(url.user == user)
        #expect(url.password == password)
    }

    @Test(arguments: [
        ("rediss://u:hunter22@host:6380", "rediss:// (TLS) is not supported"),
        ("http://host", "unsupported scheme 'http://'"),
        ("host:6379", "expected redis://"),
        ("redis://u:hunter22@host:sixthousand", "the port (after the host's ':') is not a number"),
        ("redis://u:hunter22@host:0", "the port (after the host's ':') is not a number"),
        ("redis://u:hunter22@host/zero", "the database (after the last '/') is not a number"),
        // No host: what follows the colon is a password, never quoted as a port.
        ("redis://default:hunter22", "the port (after the host's ':') is not a number"),
        ("redis://[::1]hunter22", "unexpected text after the host's ']'"),
        ("hunter22://host", "unsupported scheme; expected redis://"),
        ("redis://u:hunter22@host?db=1", "query strings"),
        ("redis://u:hunter22@", "no host"),
        ("redis://u:hunter22%zz@host", "malformed %-escape"),
    ])
    func refusesWhatItCannotHonourAsBadInputWithoutThePassword(text: String, expected: String) {
        let error = #expect(throws: RedisError.self) { try RedisURL(text) }
        #expect(error?.kind == .invalidURL)
        #expect(error?.category == .usage)
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("hunter22") == false)
    }

    @Test func anACLPasswordRuleIsASecretOfItsCommand() {
        #expect(
            RedisConnection.aclPasswords(in: ["ACL", "SETUSER", "u", "on", ">pw1", "<pw2", "#abc", "!def", "~k", ">"])
                == ["pw1", "pw2", "abc", "def"])
        #expect(RedisConnection.aclPasswords(in: ["SET", "k", ">notapassword"]).isEmpty)
        #expect(RedisConnection.aclPasswords(in: ["acl", "setuser", "u", ">pw"]) == ["pw"])
    }
}
