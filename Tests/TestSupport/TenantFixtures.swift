import Foundation
import Postgres

/// A migrated database with tenants seeded under a role prefix of its own, so tests on one cluster do not share
/// roles; its roles are dropped afterwards.
public struct TenantDatabase: Sendable {
    public let url: String
    public let rolePrefix: String

    public static func with<T>(_ label: String, _ body: (TenantDatabase) throws -> T) throws -> T {
        let prefix = "t" + UUID().uuidString.prefix(8).lowercased().filter { $0.isLetter || $0.isNumber }
        // Roles go after the database: the group roles hold privileges in it, which DROP ROLE would refuse.
        defer { dropRoles(prefix: prefix) }
        return try TestDatabase.with(label) { url throws in
            try body(TenantDatabase(url: url, rolePrefix: prefix))
        }
    }

    /// Two databases on the one cluster sharing a role prefix, as two deployments of one environment would.
    public static func pair<T>(_ label: String, _ body: (TenantDatabase, TenantDatabase) throws -> T) throws -> T {
        try with(label) { first throws in
            try TestDatabase.with(label) { url throws in
                try body(first, TenantDatabase(url: url, rolePrefix: first.rolePrefix))
            }
        }
    }

    /// A login role that is a member of `role`, and a connection as it (over TCP, with a password).
    public func connect(as role: String, _ more: String...) throws -> Connection {
        let admin = try Connection(conninfo: url)
        let login = "\(rolePrefix)_login_\(UUID().uuidString.prefix(6).lowercased())"
        let password = UUID().uuidString
        let groups = try ([role] + more).map { try admin.quoteIdentifier($0) }.joined(separator: ", ")
        try admin.query(
            "CREATE ROLE \(try admin.quoteIdentifier(login)) LOGIN PASSWORD '\(password)' IN ROLE \(groups)")
        let userURL = url.replacingOccurrences(of: "://rgcrm@", with: "://\(login):\(password)@")
        return try Connection(conninfo: userURL)
    }

    /// Drops the roles of `prefix`, and of any longer prefix starting with it (tests that need a second prefix use
    /// `rolePrefix + "b"`).
    static func dropRoles(prefix: String) {
        guard let base = try? TestDatabase.baseURL(), let admin = try? Connection(conninfo: base) else { return }
        let roles =
            (try? admin.query(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname DESC", [prefix + "%"]))?.rows ?? []
        // Logins first (they are members of tenant roles), then tenant roles, then the group roles.
        let ordered = roles.compactMap { $0[0] }.sorted { lhs, rhs in rank(lhs) < rank(rhs) }
        for role in ordered {
            if let quoted = try? admin.quoteIdentifier(role) { _ = try? admin.query("DROP ROLE IF EXISTS \(quoted)") }
        }
    }

    private static func rank(_ role: String) -> Int {
        role.contains("_login_") ? 0 : role.contains("__tenant_") ? 2 : 1
    }
}

/// A copy of a tenant's config pack under another slug (and domain), in a temporary config folder.
public enum ConfigFixtures {
    public static func copy(
        of slug: String = "mrdj", as newSlug: String,
        edit: (inout [String: Any], inout [String: Any]) -> Void = { _, _ in }
    )
        throws -> String
    {
        let directory = try TestPaths.temporaryDirectory("configs")
        for existing in try FileManager.default.contentsOfDirectory(atPath: TestPaths.repository("configs/tenants"))
        where existing != newSlug {
            try FileManager.default.copyItem(
                atPath: TestPaths.repository("configs/tenants/\(existing)"), toPath: "\(directory)/\(existing)")
        }
        var tenant = try read("configs/tenants/\(slug)/tenant.json")
        var crm = try read("configs/tenants/\(slug)/crm.json")
        tenant["slug"] = newSlug
        tenant["name"] = "Tenant \(newSlug)"
        tenant["domain"] = "\(newSlug.replacingOccurrences(of: "_", with: "-")).rentguy.nl"
        edit(&tenant, &crm)
        try FileManager.default.createDirectory(atPath: "\(directory)/\(newSlug)", withIntermediateDirectories: true)
        try write(tenant, to: "\(directory)/\(newSlug)/tenant.json")
        try write(crm, to: "\(directory)/\(newSlug)/crm.json")
        return directory
    }

    /// Copies of mrdj's pack under several slugs, in one temporary config folder.
    public static func copies(as slugs: [String]) throws -> String {
        let directory = try copy(as: slugs[0])
        for slug in slugs.dropFirst() {
            let other = try copy(as: slug)
            try FileManager.default.copyItem(atPath: "\(other)/\(slug)", toPath: "\(directory)/\(slug)")
        }
        return directory
    }

    public static func read(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestPaths.repository(relative))))
            as! [String: Any]
    }

    public static func write(_ object: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(
            to: URL(fileURLWithPath: path))
    }
}
