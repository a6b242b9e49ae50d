import Foundation

/// Vault's KV v2 secrets engine on loopback, for tests: `/v1/<mount>/data/<path>` (read, write with `options.cas`)
/// and `/v1/<mount>/metadata/<path>` (read, delete all versions), versions counted from 1, and Vault's own answers:
/// 403 `permission denied` for a missing or wrong `X-Vault-Token`, 404 with no errors for a missing secret,
/// 400 `check-and-set parameter did not match the current version` when `cas` is not the current version (0: the
/// secret must not exist). Successful writes are counted.
public final class FakeVault: @unchecked Sendable {
    public let token: String
    public let mount: String
    private let lock = NSLock()
    /// path → versions (1-based), each the secret's data.
    private var secrets: [String: [[String: Any]]] = [:]
    private var writeCount = 0
    private var writeAttemptCount = 0
    /// Runs before the next write is handled, once: another writer racing rg-crm.
    private var beforeNextWrite: ((FakeVault) -> Void)?
    private var server: FakeHTTPServer?

    public init(token: String = "s.fake-root-token", mount: String = "secret") throws {
        self.token = token
        self.mount = mount
        server = try FakeHTTPServer { [weak self] request in
            self?.handle(request) ?? FakeHTTPServer.Response(status: 503, body: #"{"errors":["sealed"]}"#)
        }
    }

    public var address: String { server?.baseURL ?? "" }
    public var writes: Int { lock.withLock { writeCount } }
    public var writeAttempts: Int { lock.withLock { writeAttemptCount } }
    public var requests: [FakeHTTPServer.Request] { server?.requests ?? [] }

    public func stop() { server?.stop() }

    /// The latest version's data of a path (under the mount), or nil.
    public func read(_ path: String) -> [String: Any]? { lock.withLock { secrets[path]?.last } }
    public func version(_ path: String) -> Int { lock.withLock { secrets[path]?.count ?? 0 } }

    /// Stores a version as another client would (not counted as rg-crm's write).
    public func put(_ path: String, _ data: [String: Any]) { lock.withLock { secrets[path, default: []].append(data) } }

    public func onNextWrite(_ action: @escaping (FakeVault) -> Void) { lock.withLock { beforeNextWrite = action } }

    private func handle(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        guard request.headers["x-vault-token"] == token else {
            return Self.json(403, ["errors": ["permission denied"]])
        }
        let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
        let dataPrefix = "/v1/\(mount)/data/"
        let metadataPrefix = "/v1/\(mount)/metadata/"
        if path.hasPrefix(dataPrefix) {
            let key = String(path.dropFirst(dataPrefix.count))
            switch request.method {
            case "GET": return readData(key)
            case "POST", "PUT": return write(key, request.body)
            default: return Self.json(405, ["errors": []])
            }
        }
        if path.hasPrefix(metadataPrefix) {
            let key = String(path.dropFirst(metadataPrefix.count))
            switch request.method {
            case "GET":
                guard let versions = lock.withLock({ secrets[key] }) else { return Self.json(404, ["errors": []]) }
                return Self.json(200, ["data": ["current_version": versions.count, "oldest_version": 1]])
            case "DELETE":
                lock.withLock { _ = secrets.removeValue(forKey: key) }
                return FakeHTTPServer.Response(status: 204)
            default: return Self.json(405, ["errors": []])
            }
        }
        return Self.json(404, ["errors": ["no handler for route \"\(path.dropFirst(4))\". route entry not found."]])
    }

    private func readData(_ key: String) -> FakeHTTPServer.Response {
        guard let versions = lock.withLock({ secrets[key] }), let data = versions.last else {
            return Self.json(404, ["errors": []])
        }
        return Self.json(
            200,
            [
                "request_id": UUID().uuidString, "lease_id": "", "renewable": false, "lease_duration": 0,
                "data": [
                    "data": data,
                    "metadata": [
                        "created_time": "2026-01-01T00:00:00Z", "custom_metadata": NSNull(), "deletion_time": "",
                        "destroyed": false, "version": versions.count,
                    ],
                ],
            ])
    }

    private func write(_ key: String, _ body: [UInt8]) -> FakeHTTPServer.Response {
        let hook = lock.withLock {
            writeAttemptCount += 1
            defer { beforeNextWrite = nil }
            return beforeNextWrite
        }
        hook?(self)
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = root["data"] as? [String: Any]
        else { return Self.json(400, ["errors": ["no data provided"]]) }
        let cas = (root["options"] as? [String: Any])?["cas"] as? Int
        return lock.withLock {
            let current = secrets[key]?.count ?? 0
            if let cas, cas != current {
                return Self.json(400, ["errors": ["check-and-set parameter did not match the current version"]])
            }
            secrets[key, default: []].append(data)
            writeCount += 1
            return Self.json(
                200,
                [
                    "data": [
                        "created_time": "2026-01-01T00:00:00Z", "custom_metadata": NSNull(), "deletion_time": "",
                        "destroyed": false, "version": current + 1,
                    ]
                ])
        }
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> FakeHTTPServer.Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return FakeHTTPServer.Response(
            status: status, headers: [("Content-Type", "application/json")], bytes: [UInt8](data))
    }
}
