DROP POLICY owner_all ON crm.crm_tenants;
DROP POLICY tenant_isolation ON crm.crm_tenants;
ALTER TABLE crm.crm_tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE crm.crm_tenants DISABLE ROW LEVEL SECURITY;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['crm_contacts', 'crm_leads', 'crm_pipelines', 'crm_stages', 'crm_deals', 'crm_activities',
                             'crm_automation_runs', 'crm_deal_stage_history']
    LOOP
        EXECUTE format('DROP POLICY owner_all ON crm.%I', t);
        EXECUTE format('DROP POLICY tenant_isolation ON crm.%I', t);
        EXECUTE format('ALTER TABLE crm.%I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE crm.%I DISABLE ROW LEVEL SECURITY', t);
    END LOOP;
END;
$$;

DROP TABLE crm.crm_tenant_settings;
DROP TABLE crm.crm_tenant_roles;
DROP FUNCTION crm.current_tenant_id(name);
