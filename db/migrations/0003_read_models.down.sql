DROP VIEW crm.automation_sla;
DROP VIEW crm.revenue_per_package;
DROP VIEW crm.pipeline_velocity;
DROP VIEW crm.crm_segments;
