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
            && lhs.rowCounts.map(\.table) == rhs.rowCounts.map(\.table) && lhs.rowCounts.map(\.rows) == rhs.rowCounts.map(\.rows)
    }
}

public struct RemovalReport: Sendable {
    public var existed: Bool
    public var rowCounts: [(table: String, rows: Int)]
    public var droppedRoles: [String]
}

/// Tenants as they are in the database: listing and offboarding.
public final class TenantDirectory {
    /// The tables `tenant list` counts, in the order it shows them.
    public static let countedTables = [
        "crm_pipelines", "crm_stages", "crm_contacts", "crm_leads", "crm_deals", "crm_activities", "crm_automation_runs",
    ]

    private let connection: Connection
    private let rolePrefix: String

    public init(connection: Connection, rolePrefix: String = TenantRoles.defaultPrefix) {
        self.connection = connection
        self.rolePrefix = rolePrefix
    }

    public func list() throws(SeedError) -> [TenantSummary] {
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
                slug: row[0] ?? "", name: row[1] ?? "", verticals: (row[2] ?? "").split(separator: ",").map(String.init),
                createdAt: row[3] ?? "",
                rowCounts: Self.countedTables.enumerated().map { (table: $1, rows: Int(row[4 + $0] ?? "0") ?? 0) })
        }
    }

    /// Drops the tenant's rows (cascading through every CRM table) and its roles in one transaction.
    /// Nothing of any other tenant changes. Removing a tenant that is not there changes nothing.
    public func remove(_ slug: Slug) throws(SeedError) -> RemovalReport {
        let roles = TenantRoles(prefix: rolePrefix, slug: slug)
        return try connection.transaction(wrap: SeedError.database) { () throws(SeedError) -> RemovalReport in
            try run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["rg-crm:seed:\(slug)"])
            let summary = try list().first { $0.slug == slug.rawValue }
            var dropped: [String] = []
            if summary != nil {
                try run("DELETE FROM crm.crm_tenants WHERE slug = $1", [slug.rawValue])
            }
            for role in [roles.app, roles.reader] where try run("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).rows.count == 1 {
                let quoted: String
                do throws(PostgresError) { quoted = try connection.quoteIdentifier(role) } catch { throw .database(error) }
                // A tenant role owns nothing and holds its privileges through its group role, so it drops cleanly;
                // a privilege granted to it by hand makes this fail, and the transaction undoes the removal.
                try run("DROP ROLE \(quoted)")
                dropped.append(role)
            }
            return RemovalReport(existed: summary != nil, rowCounts: summary?.rowCounts ?? [], droppedRoles: dropped)
        }
    }

    @discardableResult
    private func run(_ sql: String, _ parameters: [String?] = []) throws(SeedError) -> QueryResult {
        do { return try connection.query(sql, parameters) } catch { throw .database(error) }
    }
}
