import Foundation
import Postgres
import RGCore

/// The two LOGIN users of a tenant, `<prefix>_<slug>_app_login` and `<prefix>_<slug>_reader_login`, that the
/// backend and Metabase connect as: members of the tenant's NOLOGIN roles (`TenantRoles`), with generated
/// passwords kept in the secret store, and session limits (`LoginLimits`) as role defaults.
///
/// Names: `TenantRoles`' reasoning holds with the `_login` suffix too (a tenant role ends in `_app` or `_reader`,
/// a login in `_login`), and the longest is 16 + 1 + 31 + 13 = 61 bytes, under PostgreSQL's 63.
/// A login is dropped or changed only when its marker proves it is this tenant's in this database.
public struct LoginUsers: Sendable {
    public let prefix: String
    public let slug: Slug

    public init(prefix: String, slug: Slug) {
        self.prefix = prefix
        self.slug = slug
    }

    public func login(_ access: TenantRoles.Access) -> String { "\(prefix)_\(slug)_\(access.rawValue)_login" }

    public static func marker(database: String, tenantID: String, access: TenantRoles.Access) -> String {
        "rg-crm tenant login: database=\(database), tenant=\(tenantID), access=\(access.rawValue)"
    }

    /// A login user as the catalog shows it.
    struct State {
        var exists = false
        var comment: String?
        var privileged = false
        var isMember = false
        var settings: [String] = []
    }

    func state(_ access: TenantRoles.Access, roles: TenantRoles, _ connection: Connection) throws(PostgresError)
        -> State
    {
        let row = try connection.query(
            """
            SELECT shobj_description(r.oid, 'pg_authid'),
                   (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)::text,
                   (EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                             WHERE m.member = r.oid AND g.rolname = $2))::text,
                   coalesce((SELECT array_to_string(s.setconfig, E'\\n') FROM pg_db_role_setting s
                              WHERE s.setrole = r.oid AND s.setdatabase = 0), '')
              FROM pg_roles r WHERE r.rolname = $1
            """, [login(access), roles.role(access)]
        ).rows.first
        guard let row else { return State() }
        return State(
            exists: true, comment: row[0], privileged: row[1] == "true", isMember: row[2] == "true",
            settings: (row[3] ?? "").split(separator: "\n").map(String.init))
    }

    /// How to reach the database as `user`, as a libpq conninfo string (verifying a password) and as a URL (stored
    /// for the backend and Metabase). Host, port and database are the provisioning connection's.
    public static func conninfo(_ endpoint: Endpoint, user: String, password: String) -> String {
        func quoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return
            "host=\(quoted(endpoint.host)) port=\(quoted(endpoint.port)) dbname=\(quoted(endpoint.database)) user=\(quoted(user)) password=\(quoted(password)) connect_timeout=10"
    }

    public static func url(_ endpoint: Endpoint, user: String, password: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        if endpoint.host.hasPrefix("/") {
            return
                "postgresql://\(encoded(user)):\(encoded(password))@/\(encoded(endpoint.database))?host=\(encoded(endpoint.host))&port=\(encoded(endpoint.port))"
        }
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        return
            "postgresql://\(encoded(user)):\(encoded(password))@\(host):\(endpoint.port)/\(encoded(endpoint.database))"
    }

    /// Whether a stored connection URL reaches the database at `endpoint` (whoever it logs in as).
    public static func url(_ stored: String, reaches endpoint: Endpoint) -> Bool {
        let wanted = url(endpoint, user: "u", password: "p")
        func place(_ url: String) -> Substring? { url.lastIndex(of: "@").map { url[url.index(after: $0)...] } }
        return place(stored) != nil && place(stored) == place(wanted)
    }

    /// Whether `password` logs `user` in (a real connection, as the backend would make).
    static func works(_ endpoint: Endpoint, user: String, password: String) -> Bool {
        (try? Connection(conninfo: conninfo(endpoint, user: user, password: password))) != nil
    }
}
