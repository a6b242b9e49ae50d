import Postgres

/// Everything a migration can create in schema `crm`, as comparable lines: tables (with row-level security
/// flags), columns and types, constraints, indexes, policies, views, functions, triggers, sequences, types.
/// The history table is left out: it belongs to the engine, not to the migrations.
public struct CatalogSnapshot: Sendable, Equatable {
    public var objects: Set<String>

    static let query = """
        WITH rel AS (
            SELECT c.oid, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.reloptions
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname <> $2
        )
        SELECT 'table ' || relname || ' rls=' || relrowsecurity || ' force=' || relforcerowsecurity
          FROM rel WHERE relkind IN ('r', 'p')
        UNION ALL
        SELECT 'view ' || relname || ' ' || coalesce(array_to_string(reloptions, ','), '') || ' ' || pg_get_viewdef(oid)
          FROM rel WHERE relkind IN ('v', 'm')
        UNION ALL
        SELECT 'sequence ' || relname FROM rel WHERE relkind = 'S'
        UNION ALL
        SELECT 'column ' || rel.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
          FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE rel.relkind IN ('r', 'p', 'v', 'm')
        UNION ALL
        SELECT 'constraint ' || rel.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
          FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid
        UNION ALL
        SELECT 'index ' || pg_get_indexdef(i.indexrelid)
          FROM rel JOIN pg_index i ON i.indrelid = rel.oid
        UNION ALL
        SELECT 'policy ' || p.tablename || '.' || p.policyname || ' ' || p.permissive || ' ' || p.cmd || ' '
               || array_to_string(p.roles, ',') || ' using ' || coalesce(p.qual, '') || ' check ' || coalesce(p.with_check, '')
          FROM pg_policies p WHERE p.schemaname = $1
        UNION ALL
        SELECT 'trigger ' || pg_get_triggerdef(t.oid)
          FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid AND NOT t.tgisinternal
        UNION ALL
        SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid))
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
        UNION ALL
        SELECT 'type ' || t.typname
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'c', 'r')
            AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
        """

    static func take(_ connection: Connection) throws(PostgresError) -> CatalogSnapshot {
        let result = try connection.query(query, [Migrator.schema, Migrator.historyTable])
        return CatalogSnapshot(objects: Set(result.rows.compactMap { $0.first ?? nil }))
    }

    /// What `other` has that this lacks, and the reverse, each sorted, for a readable report.
    func difference(from other: CatalogSnapshot) -> (extra: [String], missing: [String]) {
        (objects.subtracting(other.objects).sorted(), other.objects.subtracting(objects).sorted())
    }
}
