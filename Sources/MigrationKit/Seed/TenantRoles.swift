import RGCore

/// The database roles of one tenant, and the two group roles that hold the privileges.
///
/// Tenant roles (`rg_<slug>_app`, `rg_<slug>_reader`) have no login and no privileges of their own: they are
/// members of the group roles (`rg__tenant_app`, `rg__tenant_reader`), which hold the table privileges once,
/// however many tenants there are. Row-level security then narrows each tenant role to its own rows.
/// A deployment grants a tenant role to its login users (the API's, Metabase's).
public struct TenantRoles: Sendable, Equatable {
    public let app: String
    public let reader: String
    public let groupApp: String
    public let groupReader: String

    /// `rg` in production; tests use their own prefix so parallel test databases on one cluster do not share roles.
    public static let defaultPrefix = "rg"

    public init(prefix: String = defaultPrefix, slug: Slug) {
        app = "\(prefix)_\(slug.rawValue)_app"
        reader = "\(prefix)_\(slug.rawValue)_reader"
        // Two underscores: a slug starts with a letter, so no tenant's own role can ever take a group's name
        // (a tenant called "tenant" gets rg_tenant_app, not the group).
        groupApp = "\(prefix)__tenant_app"
        groupReader = "\(prefix)__tenant_reader"
    }

    /// Lowercase letters, digits and underscores, starting with a letter, at most 16 characters.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        Identifier.isValid(prefix) && prefix.count <= 16
    }
}
