import Foundation
import HTTPClient
import RGCore

/// Secrets in Vault's KV v2 engine at `<mount>/data/rentguy/tenants/<slug>/<name>`, one secret per name with its
/// value under the key `value` (the `vault:` references in crm.json read `…/<name>#value`).
///
/// Writes carry `options.cas = 0`: Vault stores the secret only if none exists, so an existing one is never
/// overwritten; when Vault answers that check-and-set did not match, the stored value is read and used instead.
public struct VaultSecretStore: SecretStore {
    public let settings: VaultSettings
    public let slug: Slug
    /// Vault's words for a check-and-set that did not match (HTTP 400).
    static let casMismatch = "check-and-set parameter did not match the current version"

    public init(_ settings: VaultSettings, slug: Slug) {
        self.settings = settings
        self.slug = slug
    }

    public var location: String { "vault \(settings.mount)/rentguy/tenants/\(slug)" }
    public func identity(_ name: String) -> String { "vault:\(settings.mount)/data/rentguy/tenants/\(slug)/\(name)" }

    private func url(_ kind: String, _ name: String) -> String {
        let base = settings.address.hasSuffix("/") ? String(settings.address.dropLast()) : settings.address
        return "\(base)/v1/\(settings.mount)/\(kind)/rentguy/tenants/\(slug)/\(name)"
    }

    public func read(_ name: String) throws(ProvisionError) -> StoredSecret? {
        let response = try send(HTTPRequest(method: "GET", url: url("data", name), headers: headers))
        if response.status == 404 { return nil }
        try check(response, "read", name)
        guard let root = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = root["data"] as? [String: Any]
        else { throw .secrets("Vault: reading \(identity(name)) gave an answer that is not KV v2's JSON") }
        // A deleted (not destroyed) latest version reads as data null: for a create-only store that is "absent",
        // and Vault's own check-and-set then decides whether a new version may be written.
        guard let secret = data["data"] as? [String: Any] else { return nil }
        guard let value = secret["value"] as? String else {
            throw .secrets("Vault: \(identity(name)) has no string field 'value'; rg-crm leaves it as it is")
        }
        let version = ((data["metadata"] as? [String: Any])?["version"] as? Int) ?? 0
        return StoredSecret(value: value, version: version)
    }

    public func create(_ name: String, value: String) throws(ProvisionError) -> (stored: String, created: Bool) {
        let body: [String: Any] = ["options": ["cas": 0], "data": ["value": value]]
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map { [UInt8]($0) }
        let response = try send(
            HTTPRequest(
                method: "POST", url: url("data", name), headers: headers + [("Content-Type", "application/json")],
                body: bytes))
        if response.status == 400, response.text.contains(Self.casMismatch) {
            guard let existing = try read(name) else {
                throw .secrets(
                    "Vault: \(identity(name)) refused check-and-set 0 but holds no readable value (a deleted version?); undelete or destroy it, then run again"
                )
            }
            return (existing.value, false)
        }
        try check(response, "write", name)
        return (value, true)
    }

    public func remove(_ names: [String]) throws(ProvisionError) -> [String] {
        var removed: [String] = []
        for name in names where try read(name) != nil {
            let response = try send(HTTPRequest(method: "DELETE", url: url("metadata", name), headers: headers))
            try check(response, "delete", name)
            removed.append(identity(name))
        }
        return removed
    }

    private var headers: [(String, String)] { [("X-Vault-Token", settings.token)] }

    private func send(_ request: HTTPRequest) throws(ProvisionError) -> HTTPResponse {
        do { return try HTTPClient.send(request) } catch { throw .underlying(error) }
    }

    private func check(_ response: HTTPResponse, _ verb: String, _ name: String) throws(ProvisionError) {
        guard !(200...299).contains(response.status) else { return }
        let errors =
            ((try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["errors"] as? [String])?
            .joined(separator: "; ") ?? ""
        let why = response.status == 403 ? "the token was refused (403 permission denied)" : "HTTP \(response.status)"
        throw .secrets(
            "Vault: cannot \(verb) \(identity(name)): \(why)\(errors.isEmpty ? "" : ": \(TerminalText.oneLine(errors))"); check VAULT_TOKEN and the policy for \(settings.mount)/data/rentguy/tenants/\(slug)/*"
        )
    }
}
