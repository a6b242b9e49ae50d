import Foundation
import HTTPClient
import RGCore

/// How to sign in to Metabase: an API key (sent as `X-API-Key`), or a user whose session (`POST /api/session`) is
/// opened once per run, because Metabase throttles logins.
public enum MetabaseCredentials: Sendable {
    case apiKey(String)
    case password(user: String, password: String)

    /// As `rg-crm dashboards` reads them: `METABASE_API_KEY`, else `METABASE_USER` and `METABASE_PASSWORD`.
    public init(environment: [String: String]) throws(DashboardError) {
        if let key = environment["METABASE_API_KEY"], !key.isEmpty {
            self = .apiKey(key)
        } else if let user = environment["METABASE_USER"], !user.isEmpty,
            let password = environment["METABASE_PASSWORD"]
        {
            self = .password(user: user, password: password)
        } else {
            throw .usage("no Metabase credentials: set METABASE_API_KEY, or METABASE_USER and METABASE_PASSWORD")
        }
    }
}

/// Metabase's REST API over libcurl (`HTTPClient`): authentication, retries, and errors as one line naming the step.
/// Idempotent requests (GET, PUT) are tried up to `attempts` times on 5xx, connection failures and timeouts, with a
/// growing pause between tries; a POST is sent once (the importer looks before it tries again). Secrets (the key, the
/// session, the password, any extra ones given) are removed from every text that leaves this type.
public final class MetabaseClient: @unchecked Sendable {
    public let baseURL: String
    let credentials: MetabaseCredentials
    let timeoutSeconds: Int
    let attempts: Int
    let backoffSeconds: Double
    private let lock = NSLock()
    /// Held while signing in, so requests sent at once (smoke's checks run concurrently) share one login.
    private let signingIn = NSLock()
    private var session: String?
    private var secrets: [String]
    /// Requests sent, by method (the benchmark and tests read them).
    public private(set) var sentByMethod: [String: Int] = [:]

    public init(
        baseURL: String, credentials: MetabaseCredentials, timeoutSeconds: Int = 30, attempts: Int = 3,
        backoffSeconds: Double = 0.5, extraSecrets: [String] = []
    ) throws(DashboardError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let components = URLComponents(string: base), let scheme = components.scheme,
            ["http", "https"].contains(scheme.lowercased()), components.host?.isEmpty == false
        else { throw .usage("--metabase-url must be an http:// or https:// URL (got \(Self.describe(base)))") }
        guard components.user == nil, components.password == nil, components.query == nil else {
            throw .usage("--metabase-url must not carry user info or a query; give METABASE_API_KEY or METABASE_USER")
        }
        self.baseURL = base
        self.credentials = credentials
        self.timeoutSeconds = timeoutSeconds
        self.attempts = max(1, attempts)
        self.backoffSeconds = backoffSeconds
        switch credentials {
        case .apiKey(let key): secrets = [key]
        case .password(_, let password): secrets = [password]
        }
        secrets += extraSecrets
        secrets = secrets.filter { $0.count >= 3 }
    }

    /// The URL as it may be shown and stored: scheme, host, port and path.
    public var publicURL: String { baseURL }

    /// Sends one request and returns its JSON body (`.null` for an empty one). `step` names what is being done, for
    /// errors: `card 'Won revenue' (Revenue per Package)`.
    public func send(_ method: String, _ path: String, body: JSONValue? = nil, step: String) throws(DashboardError)
        -> JSONValue
    {
        try perform(method, path, body: body, step: step, notFoundIsNil: false) ?? .null
    }

    /// A GET whose 404 means "not there" (a card deleted in Metabase's UI): nil then.
    public func getIfPresent(_ path: String, step: String) throws(DashboardError) -> JSONValue? {
        try perform("GET", path, body: nil, step: step, notFoundIsNil: true)
    }

    private func perform(_ method: String, _ path: String, body: JSONValue?, step: String, notFoundIsNil: Bool)
        throws(DashboardError) -> JSONValue?
    {
        let headers = try authenticationHeaders(step: step)
        let retried = method == "GET" || method == "PUT"
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try transmit(method, path, body: body, headers: headers)
                if (200..<300).contains(response.status) {
                    return response.body.isEmpty ? .null : (JSONValue.parse(response.body) ?? .string(response.text))
                }
                if notFoundIsNil && response.status == 404 { return nil }
                let error = statusError(response, step: step)
                if retried && response.status >= 500 && attempt < attempts {
                    pause(attempt)
                    continue
                }
                throw error
            } catch let error as HTTPError {
                let failure = transportError(error, step: step)
                if retried && [.connection, .timeout].contains(error.kind) && attempt < attempts {
                    pause(attempt)
                    continue
                }
                throw failure
            } catch let error as DashboardError {
                throw error
            } catch {
                throw .failed("\(step): \(redacted(String(describing: error)))")
            }
        }
    }

    /// Removes every secret this client knows from `text`.
    public func redacted(_ text: String) -> String {
        lock.withLock {
            var text = text
            for secret in secrets + (session.map { [$0] } ?? []) where !secret.isEmpty {
                text = text.replacingOccurrences(of: secret, with: "[redacted]")
            }
            return text
        }
    }

    // MARK: Internals

    private func authenticationHeaders(step: String) throws(DashboardError) -> [(String, String)] {
        switch credentials {
        case .apiKey(let key):
            return [("X-API-Key", key)]
        case .password(let user, let password):
            signingIn.lock()
            defer { signingIn.unlock() }
            if let session = lock.withLock({ session }) { return [("X-Metabase-Session", session)] }
            // One login per run: a failed login is not retried (Metabase throttles them).
            let body = JSONValue.object([("username", .string(user)), ("password", .string(password))])
            let response: HTTPResponse
            do {
                response = try transmit("POST", "/api/session", body: body, headers: [])
            } catch let error as HTTPError {
                throw transportError(error, step: "signing in to Metabase as '\(user)'")
            } catch {
                throw .failed("signing in to Metabase as '\(user)': \(redacted(String(describing: error)))")
            }
            guard (200..<300).contains(response.status),
                let id = JSONValue.parse(response.body)?["id"]?.stringValue, !id.isEmpty
            else {
                if (200..<300).contains(response.status) {
                    throw .failed("signing in to Metabase as '\(user)': the answer held no session id")
                }
                throw statusError(response, step: "signing in to Metabase as '\(user)'")
            }
            lock.withLock { session = id }
            return [("X-Metabase-Session", id)]
        }
    }

    private func transmit(_ method: String, _ path: String, body: JSONValue?, headers: [(String, String)]) throws
        -> HTTPResponse
    {
        var allHeaders = headers + [("Accept", "application/json")]
        var bytes: [UInt8]?
        if let body {
            bytes = Array(body.serialized().utf8)
            allHeaders.append(("Content-Type", "application/json"))
        }
        lock.withLock { sentByMethod[method, default: 0] += 1 }
        return try HTTPClient.send(
            HTTPRequest(
                method: method, url: baseURL + path, headers: allHeaders, body: bytes, timeoutSeconds: timeoutSeconds))
    }

    private func pause(_ attempt: Int) {
        Thread.sleep(forTimeInterval: backoffSeconds * Double(1 << (attempt - 1)))
    }

    /// `step: 400 dataset_query: value must be a map`, `step: 401 Unauthenticated (check METABASE_API_KEY …)`.
    func statusError(_ response: HTTPResponse, step: String) -> DashboardError {
        var detail = Self.serverMessage(response.body)
        switch response.status {
        case 401:
            let hint =
                switch credentials {
                case .apiKey: "check METABASE_API_KEY"
                case .password: "check METABASE_USER and METABASE_PASSWORD"
                }
            detail = (detail.isEmpty ? "Unauthenticated" : detail) + " (\(hint))"
        case 403:
            detail = (detail.isEmpty ? "forbidden" : detail) + " (the key's or user's group lacks access)"
        case 404 where detail.isEmpty:
            detail = "not found"
        default: break
        }
        let text = "\(step): \(response.status)\(detail.isEmpty ? "" : " " + detail)"
        return DashboardError(redacted(String(text.prefix(400))), category: .failed, transient: response.status >= 500)
    }

    func transportError(_ error: HTTPError, step: String) -> DashboardError {
        switch error.kind {
        case .timeout:
            return DashboardError(
                "\(step): Metabase at \(baseURL) gave no answer within \(timeoutSeconds) s (--timeout)",
                category: .failed, transient: true)
        case .connection:
            return DashboardError(
                "\(step): cannot reach Metabase at \(baseURL): \(redacted(error.reason))", category: .failed,
                transient: true)
        case .invalidURL, .invalidHeader:
            return .usage("\(step): \(redacted(error.description))")
        case .tls, .status, .transfer:
            return .failed("\(step): \(redacted(error.description))")
        }
    }

    /// Metabase's error bodies: `{"errors": {field: message}}` (validation), `{"message": …}`, or plain text.
    static func serverMessage(_ body: [UInt8]) -> String {
        if let json = JSONValue.parse(body) {
            if let errors = json["errors"]?.members, !errors.isEmpty {
                return errors.map { "\($0.0): \(describe($0.1))" }.joined(separator: "; ")
            }
            if let message = json["message"]?.stringValue { return message }
            if let text = json.stringValue { return text }
            return ""
        }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func describe(_ value: JSONValue) -> String {
        value.stringValue ?? value.serialized()
    }

    private static func describe(_ url: String) -> String {
        URLComponents(string: url).flatMap { components in
            components.host.map { "\(components.scheme ?? "?")://\($0)" }
        } ?? "a URL that cannot be parsed"
    }
}
