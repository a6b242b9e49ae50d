import Foundation
import RGCore

/// A secret as a store holds it: the value (never printed) and the store's version of it.
public struct StoredSecret: Sendable, Equatable {
    public var value: String
    /// Vault's metadata version, or `1` for a local file: part of a plan's fingerprint, unlike the value.
    public var version: Int
}

/// Where a tenant's secrets live. A secret is created once and never overwritten: `create` on a name that exists
/// returns the value already stored, so two runs racing (or a run after a crash) end with one value.
public protocol SecretStore: Sendable {
    /// The store for messages and plans: `.rg-crm/secrets/mrdj` or `vault secret/rentguy/tenants/mrdj`.
    var location: String { get }
    /// The secret's identity in a plan: a file path or a Vault path.
    func identity(_ name: String) -> String
    func read(_ name: String) throws(ProvisionError) -> StoredSecret?
    /// Stores `value` under `name` unless something is stored there already; returns what is stored now.
    func create(_ name: String, value: String) throws(ProvisionError) -> (stored: String, created: Bool)
    /// Removes the named secrets that are there; returns their identities.
    func remove(_ names: [String]) throws(ProvisionError) -> [String]
}

/// The secrets of a tenant, by name.
public enum TenantSecrets {
    public static func password(_ access: TenantRoles.Access) -> String { "postgres_\(access.rawValue)_password" }
    public static func url(_ access: TenantRoles.Access) -> String { "postgres_\(access.rawValue)_url" }

    public static var all: [String] { TenantRoles.Access.allCases.flatMap { [password($0), url($0)] } }

    /// The Redis user's password (the `redis` resource's, when a Redis is configured).
    public static let redisPassword = "redis_password"

    /// Every secret rg-crm may store for a tenant: `all`, and the Redis password.
    public static var everyName: [String] { all + [redisPassword] }
}

/// Generated passwords: 40 characters from [A-Za-z0-9] (238 bits) drawn from the system's CSPRNG, unbiased.
/// Letters and digits only, so a password needs no escaping in a URL, a conninfo string or a shell.
public enum PasswordGenerator {
    public static let length = 40
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
