-- Undoes 0001_crm_core. The citext extension and schema crm stay: other objects may use them,
-- and the migration history lives in crm.
DROP TABLE crm.crm_automation_runs;
DROP TABLE crm.crm_activities;
DROP TABLE crm.crm_deals;
DROP TABLE crm.crm_leads;
DROP TABLE crm.crm_stages;
DROP TABLE crm.crm_pipelines;
DROP TABLE crm.crm_contacts;
DROP TABLE crm.crm_tenants;
