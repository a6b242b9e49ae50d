-- Read models for the Metabase dashboards (issue 10): one row per event, with its date and its pipeline's key,
-- so the dashboards' period and pipeline filters can apply (the views of 0003 are aggregated without a date).
-- Every view runs with the rights of its caller (security_invoker), so row-level security on the tables applies
-- through it: a card run on a tenant's reader connection sees that tenant's rows only, and no card filters by
-- tenant itself.

-- Each stay of a deal in a stage; a stay that has not ended counts up to now.
CREATE VIEW crm.deal_stage_durations WITH (security_invoker = true) AS
SELECT h.tenant_id,
       h.deal_id,
       h.pipeline_id,
       p.key AS pipeline_key,
       p.name AS pipeline_name,
       h.stage,
       coalesce(s.name, h.stage) AS stage_name,
       s.sequence,
       h.entered_at,
       h.left_at,
       round((extract(epoch FROM coalesce(h.left_at, now()) - h.entered_at) / 3600)::numeric, 2) AS hours_in_stage,
       s.sla_hours
  FROM crm.crm_deal_stage_history h
  JOIN crm.crm_pipelines p ON p.tenant_id = h.tenant_id AND p.id = h.pipeline_id
  LEFT JOIN crm.crm_stages s ON s.tenant_id = h.tenant_id AND s.pipeline_id = h.pipeline_id AND s.key = h.stage;

-- Each won deal, dated by its last update (winning a deal is its last change of status).
CREATE VIEW crm.won_deals WITH (security_invoker = true) AS
SELECT d.tenant_id,
       d.id AS deal_id,
       d.pipeline_id,
       p.key AS pipeline_key,
       p.name AS pipeline_name,
       coalesce(d.package, 'unspecified') AS package,
       d.currency,
       d.value,
       d.updated_at AS won_at
  FROM crm.crm_deals d
  JOIN crm.crm_pipelines p ON p.tenant_id = d.tenant_id AND p.id = d.pipeline_id
 WHERE d.status = 'won';

-- Each automation run with whether it completed within its SLA; the pipeline is its deal's, if it has one.
CREATE VIEW crm.automation_run_outcomes WITH (security_invoker = true) AS
SELECT r.tenant_id,
       r.id AS run_id,
       r.workflow_id,
       r.trigger,
       r.status,
       p.key AS pipeline_key,
       r.started_at,
       r.completed_at,
       r.sla_hours,
       round((extract(epoch FROM r.completed_at - r.started_at) / 3600)::numeric, 2) AS hours_to_complete,
       (r.completed_at IS NOT NULL AND r.sla_hours IS NOT NULL
        AND r.completed_at - r.started_at <= make_interval(secs => (r.sla_hours * 3600)::double precision)) AS within_sla
  FROM crm.crm_automation_runs r
  LEFT JOIN crm.crm_deals d ON d.tenant_id = r.tenant_id AND d.id = r.deal_id
  LEFT JOIN crm.crm_pipelines p ON p.tenant_id = d.tenant_id AND p.id = d.pipeline_id;

-- The period filters' columns, behind tenant_id like every other index.
CREATE INDEX idx_deals_tenant_status_updated ON crm.crm_deals (tenant_id, status, updated_at);
CREATE INDEX idx_deal_stage_history_tenant_entered ON crm.crm_deal_stage_history (tenant_id, entered_at);
CREATE INDEX idx_automation_runs_tenant_started ON crm.crm_automation_runs (tenant_id, started_at);
