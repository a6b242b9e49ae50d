import Postgres
import RGCore

/// A tenant as `tenant list` shows it.
public struct TenantSummary: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var verticals: [String]
    public var createdAt: String
    /// Rows per CRM table, e.g. ["crm_leads": 12].
    public var rowCounts: [(table: String, rows: Int)]

    public static func == (lhs: TenantSummary, rhs: TenantSummary) -> Bool {
        lhs.slug == rhs.slug && lhs.name == rhs.name && lhs.verticals == rhs.verticals && lhs.createdAt == rhs.createdAt
            && lhs.rowCounts.map(\.table) == rhs.rowCounts.map(\.table)
            && lhs.rowCounts.map(\.rows) == rhs.rowCounts.map(\.rows)
    }
}

public struct RemovalReport: Sendable {
    public var existed: Bool
    public var rowCounts: [(table: String, rows: Int)]
    public var droppedRoles: [String]
    /// Roles this database mapped to the tenant that rg-crm cannot prove are this tenant's in this database
    /// (another database's marker, or none): left as they are, with why.
    public var keptRoles: [(role: String, reason: String)] = []
}

/// Tenants as they are in the database: listing and offboarding.
public final class TenantDirectory {
    /// The tables `tenant list` counts, in the order it shows them.
    public static let countedTables = [
        "crm_pipelines", "crm_stages", "crm_contacts", "crm_leads", "crm_deals", "crm_activities",
        "crm_automation_runs",
    ]

    private let connection: Connection
    private let lockTimeoutSeconds: Int

    public init(connection: Connection, lockTimeoutSeconds: Int = 60) {
        self.connection = connection
        self.lockTimeoutSeconds = lockTimeoutSeconds
    }

    public func list() throws(SeedError) -> [TenantSummary] {
        try TenantSeeder.requireSchema(connection, listingOnly: true)
        let counts = Self.countedTables.map { table in
            "(SELECT count(*) FROM crm.\(table) x WHERE x.tenant_id = t.id) AS \(table)"
        }.joined(separator: ", ")
        let result = try run(
            """
            SELECT t.slug::text, t.name, array_to_string(t.verticals, ','),
                   to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), \(counts)
              FROM crm.crm_tenants t ORDER BY t.slug
            """)
        return result.rows.map { row in
            TenantSummary(
                slug: row[0] ?? "", name: row[1] ?? "",
                verticals: (row[2] ?? "").split(separator: ",").map(String.init),
                createdAt: row[3] ?? "",
                rowCounts: Self.countedTables.enumerated().map { (table: $1, rows: Int(row[4 + $0] ?? "0") ?? 0) })
        }
    }

    /// Drops the tenant's rows (cascading through every CRM table) and its roles in one transaction.
    /// Nothing of any other tenant changes. Removing a tenant that is not there changes nothing.
    ///
    /// The tenant's roles are the ones this database maps to it in crm_tenant_roles, whatever role prefix they
    /// were made under; each is dropped only if its marker says it is this tenant's in this database. Roles are
    /// the cluster's: a role with the same name may serve a tenant of another database, and is kept.
    public func remove(_ slug: Slug) throws(SeedError) -> RemovalReport {
        try connection.transaction(wrap: SeedError.database) { () throws(SeedError) -> RemovalReport in
            try TenantSeeder.requireSchema(connection)
            try TenantSeeder.boundLockWaits(connection, seconds: lockTimeoutSeconds, tenant: slug.rawValue)
            do throws(PostgresError) {
                try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:\(slug)"])
            } catch { throw TenantSeeder.wrap(error, tenant: slug.rawValue, lockTimeout: lockTimeoutSeconds) }
            guard let tenantID = try run("SELECT id::text FROM crm.crm_tenants WHERE slug = $1", [slug.rawValue]).scalar
            else {
                return RemovalReport(existed: false, rowCounts: [], droppedRoles: [])
            }
            let summary = try list().first { $0.slug == slug.rawValue }
            let database = try run("SELECT current_database()::text").scalar ?? ""
            let mapped = try run(
                """
                SELECT m.role_name::text, m.access, r.oid IS NOT NULL, shobj_description(r.oid, 'pg_authid')
                  FROM crm.crm_tenant_roles m LEFT JOIN pg_roles r ON r.rolname = m.role_name
                 WHERE m.tenant_id = $1 ORDER BY m.role_name
                """, [tenantID])
            try run("DELETE FROM crm.crm_tenants WHERE id = $1", [tenantID])
            var dropped: [String] = []
            var kept: [(role: String, reason: String)] = []
            // The tenant's login users first (they are members of its roles): found by their marker alone, which
            // names this database and this tenant's id, whatever prefix made them.
            let loginMarkers = TenantRoles.Access.allCases.map {
                LoginUsers.marker(database: database, tenantID: tenantID, access: $0)
            }
            let logins = try run(
                """
                SELECT r.rolname::text FROM pg_roles r
                 WHERE shobj_description(r.oid, 'pg_authid') IN ($1, $2) ORDER BY r.rolname
                """, loginMarkers)
            for row in logins.rows {
                let login = row[0] ?? ""
                let quoted: String
                do throws(PostgresError) { quoted = try connection.quoteIdentifier(login) } catch {
                    throw .database(error)
                }
                do throws(SeedError) {
                    try run("DROP ROLE \(quoted)")
                } catch .database(let error) where error.sqlState == "2BP01" {
                    throw .roleInUse(role: login, detail: error.detail ?? error.message)
                }
                dropped.append(login)
            }
            for row in mapped.rows where row[2] == "t" {
                let role = row[0] ?? ""
                let access = TenantRoles.Access(rawValue: row[1] ?? "") ?? .app
                guard row[3] == TenantRoles.marker(database: database, tenantID: tenantID, access: access) else {
                    let why =
                        row[3].map { $0.hasPrefix("rg-crm ") ? "its marker says \"\($0)\"" : "it has no rg-crm marker" }
                        ?? "it has no rg-crm marker"
                    kept.append((role, why + "; drop it by hand if nothing else uses it"))
                    continue
                }
                let quoted: String
                do throws(PostgresError) { quoted = try connection.quoteIdentifier(role) } catch {
                    throw .database(error)
                }
                // A tenant role owns nothing and holds its privileges through its group role, so it drops cleanly
                // (its members lose it with it); a privilege granted to it by hand makes this fail, and the
                // transaction undoes the removal.
                do throws(SeedError) {
                    try run("DROP ROLE \(quoted)")
                } catch .database(let error) where error.sqlState == "2BP01" {
                    throw .roleInUse(role: role, detail: error.detail ?? error.message)
                }
                dropped.append(role)
            }
            return RemovalReport(
                existed: true, rowCounts: summary?.rowCounts ?? [], droppedRoles: dropped, keptRoles: kept)
        }
    }

    @discardableResult
    private func run(_ sql: String, _ parameters: [String?] = []) throws(SeedError) -> QueryResult {
        do { return try connection.query(sql, parameters) } catch { throw .database(error) }
    }
}
