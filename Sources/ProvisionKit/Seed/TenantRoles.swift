import RGCore

/// The database roles of one tenant, and the two group roles that hold the privileges.
///
/// Tenant roles (`rg_<slug>_app`, `rg_<slug>_reader`) have no login and no privileges of their own: they are
/// members of the group roles (`rg__tenant_app`, `rg__tenant_reader`), which hold the table privileges once,
/// however many tenants there are. Row-level security then narrows each tenant role to its own rows.
/// A deployment grants a tenant role to its login users (the API's, Metabase's).
///
/// Why no two (prefix, slug, access) triples can name the same role, and no tenant can name a group role:
/// - a prefix is `[a-z][a-z0-9]{0,15}` — no underscore — so the first `_` of any name ends its prefix, and the
///   prefix is read back from the name alone;
/// - after that `_` a tenant role continues with its slug, whose first character is a letter (`^[a-z][a-z0-9_]{1,30}$`),
///   while a group role continues with a second `_`: no slug reaches `<prefix>__tenant_app`, under any prefix;
/// - the rest is `<slug>_app` (ends in `p`) or `<slug>_reader` (ends in `r`), so the access is read back from the
///   last character and the slug is what lies between: one name, one (prefix, slug, access);
/// - the longest name is 16 + 1 + 31 + 7 = 55 bytes, under PostgreSQL's 63, so no name is truncated into another;
/// - `pg` is refused as a prefix: `pg_` names are reserved by PostgreSQL.
/// The names are unique per cluster, not per database: that a role with the right name is this tenant's in this
/// database is proven by its marker (`marker(database:tenantID:access:)`), never assumed from the name.
public struct TenantRoles: Sendable, Equatable {
    public enum Access: String, Sendable, CaseIterable { case app, reader }

    public let app: String
    public let reader: String
    public let groupApp: String
    public let groupReader: String

    /// `rg` in production; tests use their own prefix so parallel test databases on one cluster do not share roles.
    public static let defaultPrefix = "rg"

    public init(prefix: String = defaultPrefix, slug: Slug) {
        app = "\(prefix)_\(slug.rawValue)_app"
        reader = "\(prefix)_\(slug.rawValue)_reader"
        groupApp = "\(prefix)__tenant_app"
        groupReader = "\(prefix)__tenant_reader"
    }

    public func role(_ access: Access) -> String { access == .app ? app : reader }
    public func group(_ access: Access) -> String { access == .app ? groupApp : groupReader }

    /// A lowercase letter followed by at most 15 lowercase letters or digits (no underscore: see above), not `pg`.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        guard (1...16).contains(bytes.count), (0x61...0x7A).contains(bytes[0]), prefix != "pg" else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    public static let prefixRule =
        "1 to 16 lowercase letters or digits, starting with a letter (no underscore), and not 'pg'"

    /// The comment rg-crm puts on a tenant role it created: the database (by name, unique in a cluster at any moment,
    /// and kept by dump/restore and pg_upgrade) and the tenant (by its random id, so a dropped database's leftover
    /// roles never fit a new database of the same name). Only a role with CREATEROLE can set a role's comment.
    public static func marker(database: String, tenantID: String, access: Access) -> String {
        "rg-crm tenant role: database=\(database), tenant=\(tenantID), access=\(access.rawValue)"
    }

    /// The comment rg-crm puts on a group role it created (a group serves every database of the cluster).
    public static func groupMarker(access: Access) -> String {
        "rg-crm group role: access=\(access.rawValue)"
    }
}
