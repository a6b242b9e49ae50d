import Foundation
import Postgres
import RGCore

/// `isolation`: what the tenant's roles can and cannot do, tried for real in one transaction that is rolled back
/// (SET ROLE to the app role, then to the reader role). Every step runs in a savepoint, so one failing step does not
/// hide the others, and nothing survives the rollback.
enum IsolationChecks {
    static let items: [(id: String, title: String)] = [
        ("isolation.insert", "the app role can insert a contact and read it back"),
        ("isolation.visibility", "the tenant roles see no row of any other tenant in any table or view"),
        ("isolation.foreign-write", "writing a row with another tenant's id fails"),
        ("isolation.set-config", "SET app.tenant_id and set_config change nothing"),
        ("isolation.reader-readonly", "the reader role cannot write"),
    ]

    static let all: [SmokeCheck] = [SmokeCheck(.isolation, items: items, body: run)]

    /// What every step works with.
    struct Trial {
        let connection: Connection
        let steps: Steps
        let tenantID: String
        let roles: TenantRoleNames
        /// Tenants whose rows lie next to this tenant's, and another tenant's id (or one no tenant has).
        let others: String
        let otherID: String
        let relations: [(name: String, column: String, isTable: Bool)]
        let seed: String
    }

    static func run(_ session: SmokeSession) throws -> [CheckOutcome] {
        let tenantID = try session.tenantID()
        let connection = try session.connection()
        let roles = session.context.roles
        try RoleSwitch.requireRoles([roles.app, roles.reader], connection)
        let seed = "rg-crm db seed \(session.context.tenantFlag)"
        return try RoleSwitch.rolledBack(connection) { () throws -> [CheckOutcome] in
            // Every probe below looks for rows that should not be there, under a LIMIT: the planner, expecting to find
            // one soon, would read a whole table sequentially to prove there is none. Indexes only (bench/smoke.sh).
            try connection.query("SET LOCAL enable_seqscan = off")
            let trial = try prepare(connection, tenantID: tenantID, roles: roles, seed: seed)
            try RoleSwitch.become(roles.app, connection)
            guard try connection.query("SELECT crm.current_tenant_id(CURRENT_USER)::text").scalar == tenantID else {
                throw SkipCheck("\(roles.app) does not act for the tenant (db.current-tenant)")
            }
            let inserted = insert(trial)
            let visible = try visibility(trial)
            try RoleSwitch.become(roles.app, connection)
            let foreign = foreignWrite(trial)
            let setConfig = settings(trial)
            try RoleSwitch.become(roles.reader, connection)
            let readOnly = try readerCannotWrite(trial)
            return [inserted, visible, foreign, setConfig, readOnly]
        }
    }

    /// Read as the owner, before any SET ROLE: the relations to look into, and the tenants next to this one in each
    /// table (two index probes per table): what a leak would show first. No table is scanned, however many rows a
    /// tenant has.
    static func prepare(_ connection: Connection, tenantID: String, roles: TenantRoleNames, seed: String) throws
        -> Trial
    {
        let otherID =
            try connection.query(
                "SELECT coalesce((SELECT id::text FROM crm.crm_tenants WHERE id <> $1 LIMIT 1), gen_random_uuid()::text)",
                [tenantID]
            ).scalar ?? ""
        let relations = try connection.query(
            """
            SELECT c.relname::text, CASE WHEN c.relname = 'crm_tenants' THEN 'id' ELSE 'tenant_id' END, c.relkind::text
              FROM pg_class c
             WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
               AND (c.relname = 'crm_tenants' OR EXISTS (
                        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
             ORDER BY 1
            """
        ).rows.map { (name: $0[0] ?? "", column: $0[1] ?? "tenant_id", isTable: $0[2] == "r" || $0[2] == "p") }
        var neighbours: Set<String> = [otherID]
        for relation in relations where relation.isTable {
            let table = "crm.\(try connection.quoteIdentifier(relation.name))"
            let column = relation.column
            let row =
                try connection.query(
                    """
                    SELECT (SELECT \(column)::text FROM \(table) WHERE \(column) < $1::uuid ORDER BY \(column) DESC LIMIT 1),
                           (SELECT \(column)::text FROM \(table) WHERE \(column) > $1::uuid ORDER BY \(column) LIMIT 1)
                    """, [tenantID]
                ).rows.first ?? []
            neighbours.formUnion(row.compactMap { $0 })
        }
        return Trial(
            connection: connection, steps: Steps(connection), tenantID: tenantID, roles: roles,
            others: "{" + neighbours.sorted().joined(separator: ",") + "}", otherID: otherID, relations: relations,
            seed: seed)
    }

    /// isolation.insert
    static func insert(_ trial: Trial) -> CheckOutcome {
        let connection = trial.connection
        let result = trial.steps.attempt { () throws -> String? in
            let id = try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, first_name, email) VALUES ($1, 'rg-crm smoke', $2) RETURNING id::text",
                [trial.tenantID, "smoke-\(UUID().uuidString.lowercased())@example.invalid"]
            ).scalar
            return try connection.query(
                "SELECT count(*) FROM crm.crm_contacts WHERE tenant_id = $1 AND id = $2", [trial.tenantID, id]
            ).scalar
        }
        switch result {
        case .success("1"): return .pass()
        case .success: return .fail("\(trial.roles.app) inserted a contact but cannot read it back", fix: trial.seed)
        case .failure(let error):
            return .fail("\(trial.roles.app) cannot insert a contact: \(error.oneLine)", fix: trial.seed)
        }
    }

    /// isolation.visibility, as the app role and then as the reader role.
    static func visibility(_ trial: Trial) throws -> CheckOutcome {
        let connection = trial.connection
        var leaks: [String] = []
        for role in [trial.roles.app, trial.roles.reader] {
            try RoleSwitch.become(role, connection)
            for relation in trial.relations {
                let name = relation.name
                let column = relation.column
                let leaked = trial.steps.attempt { () throws -> String? in
                    try connection.query(
                        "SELECT EXISTS (SELECT 1 FROM crm.\(try connection.quoteIdentifier(name)) x WHERE x.\(column) = ANY ($1::uuid[]))",
                        [trial.others]
                    ).scalar
                }
                switch leaked {
                case .success("f"): break
                case .success: leaks.append("\(role) sees other tenants' rows in crm.\(name)")
                case .failure(let error as PostgresError) where error.sqlState == "42501":
                    // No privilege, no rows: not a leak (db.grants reports a missing grant).
                    break
                case .failure(let error): leaks.append("\(role) cannot read crm.\(name): \(error.oneLine)")
                }
            }
        }
        guard leaks.isEmpty else {
            return .fail(
                leaks.joined(separator: "; "),
                fix: "find the policy or grant that lets it through (rg-crm smoke --only db), then \(trial.seed)")
        }
        return .pass("\(trial.relations.count) relation(s), as \(trial.roles.app) and \(trial.roles.reader)")
    }

    /// isolation.foreign-write: inserting a row for another tenant, or moving one there, is refused.
    static func foreignWrite(_ trial: Trial) -> CheckOutcome {
        let connection = trial.connection
        var written: [String] = []
        let inserted = trial.steps.attempt {
            try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, first_name) VALUES ($1, 'rg-crm smoke')", [trial.otherID]
            ).affectedRows
        }
        if case .success = inserted { written.append("inserted a contact for tenant \(trial.otherID)") }
        let moved = trial.steps.attempt {
            try connection.query(
                "UPDATE crm.crm_contacts SET tenant_id = $2 WHERE tenant_id = $1 AND first_name = 'rg-crm smoke'",
                [trial.tenantID, trial.otherID]
            ).affectedRows
        }
        if case .success(let rows) = moved, rows > 0 { written.append("moved a contact to tenant \(trial.otherID)") }
        guard written.isEmpty else {
            return .fail(
                "\(trial.roles.app) " + written.joined(separator: " and "),
                fix: "restore the tenant_isolation policy's WITH CHECK on crm.crm_contacts (rg-crm smoke --only db)")
        }
        return .pass()
    }

    /// isolation.set-config: a session setting never widens what the app role sees.
    static func settings(_ trial: Trial) -> CheckOutcome {
        let connection = trial.connection
        let widened = trial.steps.attempt { () throws -> String? in
            let literal = try connection.query("SELECT quote_literal($1)", [trial.otherID]).scalar ?? "''"
            try connection.query("SET LOCAL app.tenant_id = \(literal)")
            try connection.query("SELECT set_config('app.tenant_id', $1, true)", [trial.otherID])
            return try connection.query(
                """
                SELECT crm.current_tenant_id(CURRENT_USER)::text = $1
                       AND NOT EXISTS (SELECT 1 FROM crm.crm_tenants WHERE id = ANY ($2::uuid[]))
                       AND NOT EXISTS (SELECT 1 FROM crm.crm_contacts WHERE tenant_id = ANY ($2::uuid[]))
                """, [trial.tenantID, trial.others]
            ).scalar
        }
        switch widened {
        case .success("t"): return .pass()
        case .success:
            return .fail(
                "after SET app.tenant_id the app role sees another tenant",
                fix: "policies must use crm.current_tenant_id(CURRENT_USER), never a setting (migration 0004)")
        case .failure(let error): return .fail("SET app.tenant_id failed: \(error.oneLine)", fix: trial.seed)
        }
    }

    /// isolation.reader-readonly: no write privilege anywhere in crm, and an insert is refused.
    static func readerCannotWrite(_ trial: Trial) throws -> CheckOutcome {
        let connection = trial.connection
        let writable = try connection.query(
            """
            SELECT string_agg(DISTINCT c.relname::text || ' (' || p.privilege || ')', ', ')
              FROM pg_class c CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p (privilege)
             WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'p', 'v')
               AND has_table_privilege(CURRENT_USER, c.oid, p.privilege)
            """
        ).scalar
        let inserted = trial.steps.attempt {
            try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, first_name) VALUES ($1, 'rg-crm smoke')", [trial.tenantID]
            ).affectedRows
        }
        var writes: [String] = []
        if let writable { writes.append("\(trial.roles.reader) may write to \(writable)") }
        if case .success = inserted { writes.append("\(trial.roles.reader) inserted a contact") }
        guard writes.isEmpty else {
            return .fail(
                writes.joined(separator: "; "),
                fix:
                    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA crm FROM \(trial.roles.reader), then \(trial.seed)"
            )
        }
        return .pass()
    }

    /// Runs statements each in a savepoint: a failing one is rolled back alone and reported, the transaction goes on.
    final class Steps {
        let connection: Connection
        private var counter = 0

        init(_ connection: Connection) { self.connection = connection }

        func attempt<T>(_ body: () throws -> T) -> Result<T, any Error> {
            counter += 1
            let name = "rg_crm_smoke_\(counter)"
            do {
                try connection.query("SAVEPOINT \(name)")
                let value = try body()
                try connection.query("RELEASE SAVEPOINT \(name)")
                return .success(value)
            } catch {
                _ = try? connection.query("ROLLBACK TO SAVEPOINT \(name)")
                return .failure(error)
            }
        }
    }
}

extension Error {
    /// The error's own one-line description.
    var oneLine: String {
        TerminalText.oneLine((self as? any RGError)?.description ?? String(describing: self))
    }
}
