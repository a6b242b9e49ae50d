import Foundation
import Postgres
import TestSupport
import Testing

@testable import MigrationKit

/// The shipped schema as the data model of plan §2 demands, read back from the catalog of a real database.
@Suite struct SchemaTests {
    static let tenantOwned = [
        "crm_contacts", "crm_leads", "crm_pipelines", "crm_stages", "crm_deals", "crm_activities",
        "crm_automation_runs",
        "crm_deal_stage_history",
    ]

    func migrated<T>(_ label: String, _ body: (Connection) throws -> T) throws -> T {
        try TestDatabase.with(label) { url throws in
            let connection = try Connection(conninfo: url)
            _ = try Migrator(
                connection: connection,
                migrations: try MigrationSource.load(directory: TestPaths.repository("db/migrations"))
            )
            .migrate()
            return try body(connection)
        }
    }

    func columns(_ connection: Connection, _ table: String) throws -> [String: String] {
        let result = try connection.query(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
              FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, ["crm." + table])
        return Dictionary(uniqueKeysWithValues: result.rows.map { ($0[0]!, $0[1]!) })
    }

    @Test func everyTableHasThePlansColumnsWithFittingTypes() throws {
        let expected: [String: [String: String]] = [
            "crm_tenants": [
                "id": "uuid", "slug": "citext", "name": "text", "domain": "text", "verticals": "text[]",
                "created_at": "timestamp with time zone",
            ],
            "crm_leads": [
                "id": "uuid", "tenant_id": "uuid", "source": "text", "campaign": "text", "status": "text",
                "score": "integer", "created_at": "timestamp with time zone", "contact_id": "uuid",
            ],
            "crm_contacts": [
                "id": "uuid", "tenant_id": "uuid", "first_name": "text", "last_name": "text", "email": "citext",
                "phone": "text", "preferences": "jsonb", "gdpr_opt_in": "boolean",
            ],
            "crm_deals": [
                "id": "uuid", "tenant_id": "uuid", "contact_id": "uuid", "pipeline_id": "uuid", "stage": "text",
                "value": "numeric(12,2)", "currency": "character(3)", "expected_close": "date",
                "probability": "smallint", "package": "text",
            ],
            "crm_pipelines": [
                "id": "uuid", "tenant_id": "uuid", "name": "text", "type": "text", "sla_response_hours": "numeric(8,2)",
                "is_default": "boolean",
            ],
            "crm_stages": [
                "id": "uuid", "tenant_id": "uuid", "pipeline_id": "uuid", "sequence": "integer", "name": "text",
                "auto_progress_rule": "jsonb",
            ],
            "crm_activities": [
                "id": "uuid", "tenant_id": "uuid", "deal_id": "uuid", "activity_type": "text", "payload": "jsonb",
                "due_at": "timestamp with time zone", "owner_id": "uuid",
            ],
            "crm_automation_runs": [
                "id": "uuid", "tenant_id": "uuid", "trigger": "text", "workflow_id": "text", "status": "text",
                "started_at": "timestamp with time zone", "completed_at": "timestamp with time zone",
                "context": "jsonb",
            ],
        ]
        try migrated("columns") { connection throws in
            for (table, wanted) in expected {
                let actual = try columns(connection, table)
                for (column, type) in wanted {
                    #expect(actual[column] == type, "crm.\(table).\(column)")
                }
            }
        }
    }

    @Test func tenantIdLeadsEveryKeyAndEveryReferenceIsComposite() throws {
        try migrated("keys") { connection throws in
            for table in Self.tenantOwned {
                let primaryKey = try connection.query(
                    """
                    SELECT (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]),
                           (SELECT a.attnotnull FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'tenant_id')
                      FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.contype = 'p'
                    """, ["crm." + table])
                #expect(primaryKey.rows == [["tenant_id", "t"]], "primary key of crm.\(table)")
            }
            // Every foreign key between tenant-owned tables starts with tenant_id on both sides.
            let references = try connection.query(
                """
                SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
                       (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]),
                       (SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]),
                       array_length(c.conkey, 1)
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                 WHERE n.nspname = 'crm' AND c.contype = 'f' AND c.confrelid <> 'crm.crm_tenants'::regclass
                """)
            #expect(references.rows.count == 9)
            for row in references.rows {
                #expect(
                    row[3] == "tenant_id" && row[4] == "tenant_id" && Int(row[5]!)! >= 2, "\(row[0]!) on \(row[1]!)")
            }
            // Every tenant-owned table references crm_tenants.
            for table in Self.tenantOwned {
                let toTenants = try connection.query(
                    "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f' AND confrelid = 'crm.crm_tenants'::regclass",
                    ["crm." + table])
                #expect(toTenants.scalar == "1", "crm.\(table) → crm_tenants")
            }
        }
    }

    @Test func everyForeignKeyHasAnIndexLedByItsColumns() throws {
        try migrated("fkindex") { connection throws in
            let unindexed = try connection.query(
                """
                SELECT c.conname
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                 WHERE n.nspname = 'crm' AND c.contype = 'f'
                   AND NOT EXISTS (
                       SELECT 1 FROM pg_index i
                        WHERE i.indrelid = c.conrelid
                          AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
                          AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)
                """)
            #expect(unindexed.rows.isEmpty, "foreign keys without an index: \(unindexed.rows)")
            let statusIndex = try connection.query(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_leads_tenant_status'")
            #expect(statusIndex.scalar?.hasSuffix("ON crm.crm_leads USING btree (tenant_id, status)") == true)
        }
    }

    @Test func deleteRulesFollowThePlan() throws {
        try migrated("ondelete") { connection throws in
            let rules = try connection.query(
                """
                SELECT c.conrelid::regclass::text || '→' || c.confrelid::regclass::text, c.confdeltype,
                       coalesce(array_length(c.confdelsetcols, 1), 0)
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                 WHERE n.nspname = 'crm' AND c.contype = 'f'
                """)
            for row in rules.rows {
                let edge = row[0]!
                if edge.hasSuffix("crm.crm_contacts") {
                    // Restrict (NO ACTION) for required contacts; SET NULL of only the contact column where optional.
                    #expect(row[1] == "a" || (row[1] == "n" && row[2] == "1"), "\(edge)")
                } else if edge.hasSuffix("crm.crm_stages") {
                    #expect(row[1] == "a", "a stage in use cannot be deleted: \(edge)")
                } else {
                    #expect(row[1] == "c", "cascade: \(edge)")
                }
            }
            let leadContact = rules.rows.first { $0[0] == "crm.crm_leads→crm.crm_contacts" }
            #expect(leadContact?[1] == "n")
        }
    }

    @Test func checkConstraintsAndDefaultsHold() throws {
        try migrated("checks") { connection throws in
            let tenant = try connection.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain, verticals) VALUES ('mrdj', 'Mr. DJ', 'mr-dj.rentguy.nl', '{wedding}') RETURNING id"
            ).scalar!
            let contact = try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, email) VALUES ($1, 'Bart@Mr-DJ.nl') RETURNING id", [tenant]
            ).scalar!
            // citext: the same address in other case is the same contact.
            #expect(
                try connection.query("SELECT count(*) FROM crm.crm_contacts WHERE email = 'bart@mr-dj.nl'").scalar
                    == "1")
            let pipeline = try connection.query(
                "INSERT INTO crm.crm_pipelines (tenant_id, key, name) VALUES ($1, 'wedding_sales', 'Wedding Sales') RETURNING id",
                [tenant]
            ).scalar!
            try connection.query(
                "INSERT INTO crm.crm_stages (tenant_id, pipeline_id, sequence, key, name) VALUES ($1, $2, 1, 'nieuwe_lead', 'Nieuwe Lead')",
                [tenant, pipeline])
            // Older inserts that name only the essentials still work: defaults fill the rest.
            let deal = try connection.query(
                "INSERT INTO crm.crm_deals (tenant_id, contact_id, pipeline_id, stage) VALUES ($1, $2, $3, 'nieuwe_lead') RETURNING currency, probability, status, value",
                [tenant, contact, pipeline])
            #expect(deal.rows == [["EUR", "0", "open", "0.00"]])
            try connection.query("INSERT INTO crm.crm_leads (tenant_id) VALUES ($1)", [tenant])

            let violations: [(String, [String?])] = [
                ("UPDATE crm.crm_deals SET probability = 101", []),
                ("UPDATE crm.crm_deals SET value = -1", []),
                ("UPDATE crm.crm_deals SET currency = 'eur'", []),
                ("UPDATE crm.crm_deals SET stage = 'no_such_stage'", []),
                ("UPDATE crm.crm_leads SET status = 'archived'", []),
                (
                    "INSERT INTO crm.crm_automation_runs (tenant_id, trigger, workflow_id, status) VALUES ($1, 'lead.created', 'x', 'done')",
                    [tenant]
                ),
                (
                    "INSERT INTO crm.crm_automation_runs (tenant_id, trigger, workflow_id) VALUES ($1, 'lead.create', 'x')",
                    [tenant]
                ),
                (
                    "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('x''; drop table x; --', 'X', 'x.example.nl')",
                    []
                ),
                ("DELETE FROM crm.crm_contacts", []),
            ]
            for (sql, parameters) in violations {
                #expect(throws: PostgresError.self, "\(sql)") { try connection.query(sql, parameters) }
            }
            // Deleting the whole tenant cascades through everything, contacts with deals included.
            try connection.query("DELETE FROM crm.crm_tenants WHERE id = $1", [tenant])
            #expect(try connection.query("SELECT count(*) FROM crm.crm_deals").scalar == "0")
        }
    }

    @Test func aForeignKeyCannotCrossTenants() throws {
        try migrated("cross") { connection throws in
            let one = try connection.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('one', 'One', 'one.example.nl') RETURNING id"
            ).scalar!
            let two = try connection.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('two', 'Two', 'two.example.nl') RETURNING id"
            ).scalar!
            let contactOfOne = try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id) VALUES ($1) RETURNING id", [one]
            ).scalar!
            #expect(throws: PostgresError.self) {
                try connection.query(
                    "INSERT INTO crm.crm_leads (tenant_id, contact_id) VALUES ($1, $2)", [two, contactOfOne])
            }
            // Deleting a contact keeps its lead and the lead's tenant.
            try connection.query(
                "INSERT INTO crm.crm_leads (tenant_id, contact_id) VALUES ($1, $2)", [one, contactOfOne])
            try connection.query("DELETE FROM crm.crm_contacts WHERE id = $1", [contactOfOne])
            #expect(try connection.query("SELECT tenant_id, contact_id FROM crm.crm_leads").rows == [[one, nil]])
        }
    }

    @Test func readModelsAnswerFromRealRows() throws {
        try migrated("views") { connection throws in
            let options = try connection.query(
                "SELECT relname, reloptions::text FROM pg_class WHERE relnamespace = 'crm'::regnamespace AND relkind = 'v' ORDER BY 1"
            )
            #expect(
                options.rows.map { $0[0] } == [
                    "automation_run_outcomes", "automation_sla", "crm_segments", "deal_stage_durations",
                    "pipeline_velocity", "revenue_per_package", "won_deals",
                ])
            #expect(options.rows.allSatisfy { $0[1] == "{security_invoker=true}" })

            let tenant = try connection.query(
                "INSERT INTO crm.crm_tenants (slug, name, domain) VALUES ('mrdj', 'Mr. DJ', 'mr-dj.rentguy.nl') RETURNING id"
            ).scalar!
            let pipeline = try connection.query(
                "INSERT INTO crm.crm_pipelines (tenant_id, key, name) VALUES ($1, 'wedding_sales', 'Wedding Sales') RETURNING id",
                [tenant]
            ).scalar!
            for (sequence, key) in ["nieuwe_lead", "offerte_uitgebracht", "deal_gesloten"].enumerated() {
                try connection.query(
                    "INSERT INTO crm.crm_stages (tenant_id, pipeline_id, sequence, key, name) VALUES ($1, $2, $3, $4, $4)",
                    [tenant, pipeline, String(sequence + 1), key])
            }
            let optedIn = try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, email, gdpr_opt_in) VALUES ($1, 'a@x.nl', true) RETURNING id",
                [tenant]
            ).scalar!
            let optedOut = try connection.query(
                "INSERT INTO crm.crm_contacts (tenant_id, email) VALUES ($1, 'b@x.nl') RETURNING id", [tenant]
            ).scalar!
            let deal = try connection.query(
                "INSERT INTO crm.crm_deals (tenant_id, contact_id, pipeline_id, stage, value, package) VALUES ($1, $2, $3, 'nieuwe_lead', 2500, 'Gold') RETURNING id",
                [tenant, optedIn, pipeline]
            ).scalar!
            try connection.query(
                "INSERT INTO crm.crm_deals (tenant_id, contact_id, pipeline_id, stage, value, package, status) VALUES ($1, $2, $3, 'deal_gesloten', 1000, 'Silver', 'won')",
                [tenant, optedOut, pipeline])
            try connection.query(
                "UPDATE crm.crm_deals SET stage = 'offerte_uitgebracht', updated_at = now() WHERE id = $1", [deal])
            try connection.query(
                "UPDATE crm.crm_deals SET stage = 'deal_gesloten', status = 'won' WHERE id = $1", [deal])

            let segments = try connection.query("SELECT contact_id, stage FROM crm.crm_segments")
            #expect(segments.rows == [[optedIn, "deal_gesloten"]])
            let velocity = try connection.query(
                "SELECT stage, deals, deals_in_stage FROM crm.pipeline_velocity ORDER BY sequence")
            #expect(
                velocity.rows == [
                    ["nieuwe_lead", "1", "0"], ["offerte_uitgebracht", "1", "0"], ["deal_gesloten", "2", "2"],
                ])
            let revenue = try connection.query(
                "SELECT package, deals_won, revenue FROM crm.revenue_per_package ORDER BY package")
            #expect(revenue.rows == [["Gold", "1", "2500.00"], ["Silver", "1", "1000.00"]])

            try connection.query(
                """
                INSERT INTO crm.crm_automation_runs (tenant_id, trigger, workflow_id, status, sla_hours, started_at, completed_at) VALUES
                  ($1, 'lead.created', 'lead_intake', 'succeeded', 4, now() - interval '3 hours', now()),
                  ($1, 'lead.created', 'lead_intake', 'succeeded', 4, now() - interval '5 hours', now()),
                  ($1, 'lead.created', 'lead_intake', 'running', 4, now(), NULL)
                """, [tenant])
            let sla = try connection.query(
                "SELECT workflow_id, runs, completed, within_sla, within_sla_pct FROM crm.automation_sla")
            #expect(sla.rows == [["lead_intake", "3", "2", "1", "50.0"]])
        }
    }
}
