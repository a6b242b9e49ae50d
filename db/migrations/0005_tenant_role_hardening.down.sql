DROP TRIGGER crm_tenant_roles_never_repointed ON crm.crm_tenant_roles;
DROP FUNCTION crm.crm_tenant_roles_never_repointed();

DROP POLICY tenant_isolation ON crm.crm_tenants;
CREATE POLICY tenant_isolation ON crm.crm_tenants
    USING (id = (SELECT crm.current_tenant_id(CURRENT_USER)))
    WITH CHECK (id = (SELECT crm.current_tenant_id(CURRENT_USER)));

DROP POLICY tenant_isolation ON crm.crm_tenant_settings;
CREATE POLICY tenant_isolation ON crm.crm_tenant_settings
    USING (tenant_id = (SELECT crm.current_tenant_id(CURRENT_USER)))
    WITH CHECK (tenant_id = (SELECT crm.current_tenant_id(CURRENT_USER)));

-- The function as migration 0004 made it.
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
