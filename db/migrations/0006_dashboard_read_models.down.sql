DROP INDEX crm.idx_automation_runs_tenant_started;
DROP INDEX crm.idx_deal_stage_history_tenant_entered;
DROP INDEX crm.idx_deals_tenant_status_updated;
DROP VIEW crm.automation_run_outcomes;
DROP VIEW crm.won_deals;
DROP VIEW crm.deal_stage_durations;
