import Foundation

/// A parsed `redis://[user[:password]@]host[:port][/db]` URL (the scheme redis-cli and most clients read).
///
/// `rediss://` (TLS) is refused with a clear error: Debian's hiredis 0.14 has no TLS. Nothing else is guessed: an
/// unknown scheme, a query string, a port or database that is not a number are errors, and no message repeats the
/// password.
struct RedisURL {
    var host: String
    var port: Int
    var database: Int
    var user: String?
    var password: String?

    var endpoint: RedisEndpoint { RedisEndpoint(host: host, port: port, database: database, user: user) }

    /// Never quotes the port's text: in `redis://user:secret` (no host) what follows the colon is a password.
    static let portProblem = "the port (after the host's ':') is not a number from 1 to 65535"

    init(_ text: String) throws(RedisError) {
        func invalid(_ reason: String) -> RedisError { RedisError(kind: .invalidURL, message: reason) }
        guard let schemeEnd = text.range(of: "://") else {
            throw invalid("expected redis://[user[:password]@]host[:port][/db]")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        if scheme == "rediss" {
            throw invalid(
                "rediss:// (TLS) is not supported: this build's hiredis has no TLS; use redis:// on a trusted network or a TLS tunnel"
            )
        }
        guard scheme == "redis" else {
            let known = scheme.count <= 10 && scheme.allSatisfy { $0.isLetter || $0 == "+" }
            throw invalid("unsupported scheme\(known ? " '\(scheme)://'" : ""); expected redis://")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        if rest.contains("?") || rest.contains("#") { throw invalid("query strings and fragments are not supported") }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                user = String(userinfo[..<colon])
                password = String(userinfo[userinfo.index(after: colon)...])
            } else {
                // As redis-cli reads it: `redis://SECRET@host` is a password, not a user name.
                password = String(userinfo)
            }
            func decoded(_ part: String?) throws(RedisError) -> String? {
                guard let part else { return nil }
                guard let text = part.removingPercentEncoding else {
                    throw invalid("the user or password has a malformed %-escape")
                }
                return text.isEmpty ? nil : text
            }
            user = try decoded(user)
            password = try decoded(password)
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), (0...15_999).contains(number) else {
                    throw invalid("the database (after the last '/') is not a number")
                }
                database = number
            }
        }
        var host = String(rest)
        var port = 6379
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw invalid("unclosed '[' in the host") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65_535).contains(number) else {
                    throw invalid(Self.portProblem)
                }
                port = number
            } else if !after.isEmpty {
                throw invalid("unexpected text after the host's ']'")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            let portText = host[host.index(after: colon)...]
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw invalid(Self.portProblem)
            }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw invalid("no host") }
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }
}
