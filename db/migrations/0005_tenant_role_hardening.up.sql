-- Tenant roles get no more than the app needs (issue 15):
--   * crm.current_tenant_id(who) answers only for a role the session's own user may act as (itself, or a role it is
--     a member of): a tenant role can no longer ask for another tenant's id by naming that tenant's role;
--   * crm_tenants and crm_tenant_settings are the platform's: tenant roles read their own row, and no policy lets
--     them insert, update or delete one, whatever privileges a group role was granted (rg-crm db seed also stops
--     granting them, and revokes them);
--   * crm_tenant_roles never points a role at another tenant: a row is inserted or deleted, never repointed.

CREATE OR REPLACE FUNCTION crm.current_tenant_id(who name) RETURNS uuid
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
    -- Policies pass CURRENT_USER: the session's user or a role it has SET ROLE to, so a member of its own.
    -- Any other name is someone else's question, and gets no answer.
    SELECT array_agg(r.oid) INTO acting FROM pg_catalog.pg_roles r WHERE r.rolname = who;
    IF acting IS NULL OR NOT pg_catalog.pg_has_role(SESSION_USER, acting[1], 'MEMBER') THEN
        RETURN NULL;
    END IF;
    -- A tenant role itself (the API's SET ROLE): one index lookup. Its own mapping wins.
    SELECT t.tenant_id INTO direct FROM crm.crm_tenant_roles t WHERE t.role_name = who;
    IF direct IS NOT NULL THEN
        RETURN direct;
    END IF;
    -- A login role granted a tenant role (Metabase's): walk its memberships outwards.
    -- plpgsql keeps these statements' plans for the session, and each is an index lookup.
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

DROP POLICY tenant_isolation ON crm.crm_tenant_settings;
CREATE POLICY tenant_isolation ON crm.crm_tenant_settings FOR SELECT
    USING (tenant_id = (SELECT crm.current_tenant_id(CURRENT_USER)));

DROP POLICY tenant_isolation ON crm.crm_tenants;
CREATE POLICY tenant_isolation ON crm.crm_tenants FOR SELECT
    USING (id = (SELECT crm.current_tenant_id(CURRENT_USER)));

CREATE FUNCTION crm.crm_tenant_roles_never_repointed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'role % acts for tenant % and cannot be moved to another tenant or renamed', OLD.role_name, OLD.tenant_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER crm_tenant_roles_never_repointed
    BEFORE UPDATE ON crm.crm_tenant_roles
    FOR EACH ROW EXECUTE FUNCTION crm.crm_tenant_roles_never_repointed();
