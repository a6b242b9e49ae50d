-- Tenant isolation in the database itself (plan §11): Metabase and exports connect directly, so the API is not
-- the only door. Every tenant-owned table gets row-level security, ENABLEd and FORCEd, with policies that tie
-- rows to the tenant of the current role. The role → tenant mapping lives in crm_tenant_roles and is read by a
-- SECURITY DEFINER function; no configuration parameter is consulted, so `SET app.tenant_id = …` cannot widen a
-- session's view. `rg-crm db seed` creates the roles and rows of crm_tenant_roles.

-- Which roles act for which tenant. Tenant roles get no privilege on this table, and it has no row-level
-- security: the policies' own function reads it, and a policy on it would call that function again.
CREATE TABLE crm.crm_tenant_roles (
    tenant_id  uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    role_name  name NOT NULL UNIQUE,
    access     text NOT NULL CHECK (access IN ('app', 'reader')),
    PRIMARY KEY (tenant_id, role_name)
);

-- A tenant's scoring rules, automation mapping (trigger → workflows) and named webhooks (Vault references).
CREATE TABLE crm.crm_tenant_settings (
    tenant_id   uuid PRIMARY KEY REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    scoring     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(scoring) = 'array'),
    automation  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(automation) = 'object'),
    webhooks    jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(webhooks) = 'object'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The tenant that `who` acts for: through its own role or any role it inherits from, following pg_auth_members
-- as pg_has_role(…, 'USAGE') does. Called with CURRENT_USER from the policies below, so after SET ROLE it is the
-- role set, and for a login user granted rg_<slug>_app it is that tenant. A role that would act for two tenants
-- gets NULL and sees nothing: one session, one tenant. Walks from the role outwards (a few index lookups), never
-- over all tenants' roles, and returns one value so the planner estimates a tenant's share of a table.
CREATE FUNCTION crm.current_tenant_id(who name) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting oid[];
    frontier oid[];
    reached oid[];
    tenants uuid[];
    direct uuid;
    depth integer := 0;
BEGIN
    -- A tenant role itself (the API's SET ROLE): one index lookup. Its own mapping wins.
    SELECT t.tenant_id INTO direct FROM crm.crm_tenant_roles t WHERE t.role_name = who;
    IF direct IS NOT NULL THEN
        RETURN direct;
    END IF;
    -- A login role granted a tenant role (Metabase's): walk its memberships outwards.
    -- plpgsql keeps these statements' plans for the session, and each is an index lookup.
    SELECT array_agg(r.oid) INTO acting FROM pg_catalog.pg_roles r WHERE r.rolname = who;
    IF acting IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(r.oid) INTO frontier FROM pg_catalog.pg_roles r WHERE r.oid = ANY (acting) AND r.rolinherit;
    WHILE frontier IS NOT NULL AND depth < 32 LOOP
        SELECT array_agg(DISTINCT m.roleid) INTO reached
          FROM pg_catalog.pg_auth_members m
         WHERE m.member = ANY (frontier) AND NOT (m.roleid = ANY (acting));
        EXIT WHEN reached IS NULL;
        acting := acting || reached;
        SELECT array_agg(r.oid) INTO frontier FROM pg_catalog.pg_roles r WHERE r.oid = ANY (reached) AND r.rolinherit;
        depth := depth + 1;
    END LOOP;
    SELECT array_agg(DISTINCT t.tenant_id) INTO tenants
      FROM crm.crm_tenant_roles t
     WHERE t.role_name = ANY (ARRAY(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = ANY (acting)));
    RETURN CASE WHEN cardinality(tenants) = 1 THEN tenants[1] END;
END;
$$;

-- Only the tenant group roles (granted by rg-crm db seed) and the owner may ask which tenant a role acts for.
REVOKE EXECUTE ON FUNCTION crm.current_tenant_id(name) FROM PUBLIC;

-- Row-level security on every tenant-owned table. Two permissive policies per table:
--   tenant_isolation (every role): rows of the tenants of the current role, for reading and for writing;
--   owner_all (the role that applies migrations, which owns the tables): everything, so migrations, seeds and
--   offboarding keep full access under FORCE.
-- The tenant's own qualifier is a plain `tenant_id = (an InitPlan evaluated once per query)`, so the
-- (tenant_id, …) indexes serve it.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['crm_contacts', 'crm_leads', 'crm_pipelines', 'crm_stages', 'crm_deals', 'crm_activities',
                             'crm_automation_runs', 'crm_deal_stage_history', 'crm_tenant_settings']
    LOOP
        EXECUTE format('ALTER TABLE crm.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE crm.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON crm.%I USING (tenant_id = (SELECT crm.current_tenant_id(CURRENT_USER))) WITH CHECK (tenant_id = (SELECT crm.current_tenant_id(CURRENT_USER)))', t);
        EXECUTE format('CREATE POLICY owner_all ON crm.%I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END;
$$;

ALTER TABLE crm.crm_tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.crm_tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.crm_tenants
    USING (id = (SELECT crm.current_tenant_id(CURRENT_USER)))
    WITH CHECK (id = (SELECT crm.current_tenant_id(CURRENT_USER)));
CREATE POLICY owner_all ON crm.crm_tenants TO CURRENT_USER USING (true) WITH CHECK (true);
