import CHiredis
import Foundation
import RGCore

/// A connection to Redis through hiredis. The only type in rg-crm that holds a hiredis handle.
///
/// Commands are argument arrays (`redisCommandArgv`), never formatted strings, so a key or a password holding
/// spaces, quotes or `%` is one argument and nothing else. Not thread-safe: one connection belongs to one task.
public final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    /// Where the connection went, for messages: never the password.
    public let endpoint: RedisEndpoint
    /// Redacted from every message this connection produces.
    private let secrets: [String]
    /// Why the connection can no longer be used (hiredis keeps no context usable after a timeout or an I/O error).
    private var broken: String?

    /// Connects to `url` (`redis://[user[:password]@]host[:port][/db]`) and authenticates: with the URL's password,
    /// else with `password` (read by the caller from a file such as `REDIS_PASSWORD_FILE`), else not at all.
    /// `timeoutSeconds` bounds the connect and every command.
    public init(url: String, password: String? = nil, timeoutSeconds: Int = 5) throws(RedisError) {
        let parsed = try RedisURL(url)
        let password = parsed.password ?? password
        let secrets = [parsed.password, password].compactMap { $0 }.filter { !$0.isEmpty }
        let endpoint = parsed.endpoint
        let timeout = timeval(tv_sec: max(1, timeoutSeconds), tv_usec: 0)
        guard let context = redisConnectWithTimeout(parsed.host, Int32(parsed.port), timeout) else {
            throw RedisError(kind: .connection, message: "hiredis could not allocate a connection", endpoint: endpoint)
        }
        if context.pointee.err != 0 {
            let reason = Self.contextError(context)
            redisFree(context)
            throw RedisError(kind: .connection, message: reason, endpoint: endpoint)
        }
        redisSetTimeout(context, timeout)
        self.context = context
        self.endpoint = endpoint
        self.secrets = secrets
        if let password {
            var arguments = ["AUTH"]
            if let user = parsed.user { arguments.append(user) }
            arguments.append(password)
            do {
                try command(arguments)
            } catch {
                throw RedisError(
                    kind: error.kind == .server ? .authentication : error.kind, message: error.message,
                    endpoint: endpoint)
            }
        }
        if parsed.database != 0 { try command(["SELECT", String(parsed.database)]) }
    }

    deinit { redisFree(context) }

    /// Sends one command and returns its reply. A server error reply (`NOPERM …`, `WRONGTYPE …`) is thrown as a
    /// `RedisError` of kind `.server` carrying the server's message; `secrets` (and the connection's password, and
    /// the password of an `ACL SETUSER` `>password` rule) are redacted from it.
    @discardableResult
    public func command(_ arguments: [String], secrets extra: [String] = []) throws(RedisError) -> RedisReply {
        precondition(!arguments.isEmpty, "a Redis command has a name")
        let secrets = self.secrets + extra + Self.aclPasswords(in: arguments)
        let raw: UnsafeMutableRawPointer? = withArgv(arguments) { argv, lengths in
            redisCommandArgv(context, Int32(arguments.count), argv, lengths)
        }
        let name = arguments.prefix(arguments.first?.uppercased() == "ACL" ? 2 : 1).joined(separator: " ").uppercased()
        if let broken {
            throw RedisError(
                kind: .connection, message: "the connection is unusable after an earlier \(broken); connect again",
                command: name, endpoint: endpoint)
        }
        guard let raw else {
            // hiredis 0.14 reports a read timeout as an I/O error with EAGAIN's text.
            let reason = Self.contextError(context)
            let timedOut = context.pointee.err == REDIS_ERR_IO && reason.contains("temporarily unavailable")
            broken = timedOut ? "timeout" : "I/O error"
            throw RedisError(
                kind: timedOut ? .timeout : .connection,
                message: timedOut ? "no reply within the timeout" : redact(reason, secrets),
                command: name, endpoint: endpoint)
        }
        defer { freeReplyObject(raw) }
        let reply = RedisReply(raw.assumingMemoryBound(to: redisReply.self).pointee)
        if case .error(let message) = reply {
            throw RedisError(kind: .server, message: redact(message, secrets), command: name, endpoint: endpoint)
        }
        return reply
    }

    private static func contextError(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let message = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return message.isEmpty ? "connection error \(context.pointee.err)" : message
    }

    /// The passwords an `ACL SETUSER` argument list sets (`>secret`) or removes (`<secret`), and the password
    /// hashes it sets or removes (`#…`, `!…`): Redis echoes a rule it refuses in its error message.
    static func aclPasswords(in arguments: [String]) -> [String] {
        guard arguments.count > 2, arguments[0].uppercased() == "ACL", arguments[1].uppercased() == "SETUSER" else {
            return []
        }
        return arguments.dropFirst(3).compactMap { rule in
            guard let first = rule.first, ">#<!".contains(first), rule.count > 1 else { return nil }
            return String(rule.dropFirst())
        }
    }
}

/// Where a connection goes: host, port, database, user; never the password.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let database: Int
    public let user: String?

    public var description: String {
        "\(host):\(port)" + (database == 0 ? "" : "/\(database)") + (user.map { " as \($0)" } ?? "")
    }
}

/// A reply, copied out of hiredis's memory.
public indirect enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    case error(String)

    init(_ reply: redisReply) {
        switch reply.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(reply))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(reply), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(reply), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(reply.integer)
        case REDIS_REPLY_ARRAY:
            self = .array((0..<reply.elements).map { RedisReply(reply.element[$0]!.pointee) })
        default:
            self = .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let pointer = reply.str else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: reply.len) {
            Array(UnsafeBufferPointer(start: $0, count: reply.len))
        }
    }

    /// A bulk string or status as text; `nil` for anything else.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var elements: [RedisReply]? { if case .array(let items) = self { items } else { nil } }
}

public struct RedisError: RGError, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The URL is malformed or asks for something this build cannot do (TLS): bad input.
        case invalidURL
        case connection
        case timeout
        /// AUTH was refused.
        case authentication
        /// The server answered a command with an error reply.
        case server
    }

    public let kind: Kind
    /// The server's or hiredis's message, secrets redacted.
    public let message: String
    /// The command's name (`GET`, `ACL SETUSER`), never its arguments.
    public let command: String?
    public let endpoint: RedisEndpoint?

    public init(kind: Kind, message: String, command: String? = nil, endpoint: RedisEndpoint? = nil) {
        self.kind = kind
        self.message = message
        self.command = command
        self.endpoint = endpoint
    }

    public var category: ExitCategory { kind == .invalidURL ? .usage : .failed }

    /// The server's error code: the first word of its message (`NOPERM`, `WRONGPASS`, `ERR`).
    public var serverCode: String? {
        guard kind == .server || kind == .authentication else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String {
        let place = endpoint.map { "Redis at \($0)" } ?? "Redis"
        let message = TerminalText.oneLine(message)
        switch kind {
        case .invalidURL: return "invalid Redis URL: \(message)"
        case .connection:
            guard let command else { return "cannot connect to \(place): \(message)" }
            return "\(place): \(command) failed: \(message)"
        case .timeout: return "\(place): \(command ?? "command") timed out: \(message)"
        case .authentication: return "\(place): authentication failed: \(message)"
        case .server: return "\(place): \(command ?? "command") failed: \(message)"
        }
    }
}

private func redact(_ text: String, _ secrets: [String]) -> String {
    secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "****") }
}

private func withArgv<R>(
    _ arguments: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
) -> R {
    let buffers = arguments.map { Array($0.utf8) }
    var pointers: [UnsafeMutablePointer<CChar>?] = buffers.map { bytes in
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, !source.isEmpty else { return }
            UnsafeMutableRawPointer(pointer).copyMemory(from: base, byteCount: source.count)
        }
        return pointer
    }
    defer { for pointer in pointers { pointer?.deallocate() } }
    let lengths = buffers.map(\.count)
    return pointers.withUnsafeMutableBufferPointer { argv in
        argv.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constArgv in
            lengths.withUnsafeBufferPointer { body(constArgv.baseAddress!, $0.baseAddress!) }
        }
    }
}
