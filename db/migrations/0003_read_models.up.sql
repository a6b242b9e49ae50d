-- Read models for Metabase dashboards and marketing export (plan §4, §7). Every view runs with the
-- rights of its caller (security_invoker), so row-level security on the tables applies through it.

-- Contacts who opted in (GDPR), with the stage of their most recently updated deal.
CREATE VIEW crm.crm_segments WITH (security_invoker = true) AS
SELECT c.tenant_id,
       c.id AS contact_id,
       c.email,
       c.first_name,
       c.last_name,
       c.phone,
       c.preferences,
       latest.pipeline_id,
       latest.stage,
       latest.stage_name,
       latest.status AS deal_status,
       latest.updated_at AS deal_updated_at
  FROM crm.crm_contacts c
  LEFT JOIN LATERAL (
        SELECT d.pipeline_id, d.stage, s.name AS stage_name, d.status, d.updated_at
          FROM crm.crm_deals d
          JOIN crm.crm_stages s
            ON s.tenant_id = d.tenant_id AND s.pipeline_id = d.pipeline_id AND s.key = d.stage
         WHERE d.tenant_id = c.tenant_id AND d.contact_id = c.id
         ORDER BY d.updated_at DESC, d.id
         LIMIT 1
       ) latest ON true
 WHERE c.gdpr_opt_in;

-- How long deals spend in each stage; a stage a deal is still in counts up to now.
CREATE VIEW crm.pipeline_velocity WITH (security_invoker = true) AS
SELECT h.tenant_id,
       h.pipeline_id,
       p.name AS pipeline_name,
       h.stage,
       s.name AS stage_name,
       s.sequence,
       count(*) AS deals,
       count(*) FILTER (WHERE h.left_at IS NULL) AS deals_in_stage,
       round((avg(extract(epoch FROM coalesce(h.left_at, now()) - h.entered_at)) / 3600)::numeric, 2) AS avg_hours_in_stage,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM coalesce(h.left_at, now()) - h.entered_at)) / 3600)::numeric, 2) AS median_hours_in_stage,
       s.sla_hours
  FROM crm.crm_deal_stage_history h
  JOIN crm.crm_pipelines p ON p.tenant_id = h.tenant_id AND p.id = h.pipeline_id
  LEFT JOIN crm.crm_stages s ON s.tenant_id = h.tenant_id AND s.pipeline_id = h.pipeline_id AND s.key = h.stage
 GROUP BY h.tenant_id, h.pipeline_id, p.name, h.stage, s.name, s.sequence, s.sla_hours;

-- Won revenue per package and currency.
CREATE VIEW crm.revenue_per_package WITH (security_invoker = true) AS
SELECT d.tenant_id,
       coalesce(d.package, 'unspecified') AS package,
       d.currency,
       count(*) AS deals_won,
       sum(d.value) AS revenue,
       round(avg(d.value), 2) AS avg_deal_value
  FROM crm.crm_deals d
 WHERE d.status = 'won'
 GROUP BY d.tenant_id, coalesce(d.package, 'unspecified'), d.currency;

-- Per workflow: runs, completed runs, and how many completed within the workflow's SLA.
CREATE VIEW crm.automation_sla WITH (security_invoker = true) AS
SELECT r.tenant_id,
       r.workflow_id,
       count(*) AS runs,
       count(*) FILTER (WHERE r.completed_at IS NOT NULL) AS completed,
       count(*) FILTER (WHERE r.status = 'failed') AS failed,
       count(*) FILTER (WHERE r.completed_at IS NOT NULL AND r.sla_hours IS NOT NULL
                          AND r.completed_at - r.started_at <= make_interval(secs => (r.sla_hours * 3600)::double precision)) AS within_sla,
       round(100.0 * count(*) FILTER (WHERE r.completed_at IS NOT NULL AND r.sla_hours IS NOT NULL
                          AND r.completed_at - r.started_at <= make_interval(secs => (r.sla_hours * 3600)::double precision))
             / nullif(count(*) FILTER (WHERE r.completed_at IS NOT NULL AND r.sla_hours IS NOT NULL), 0), 1) AS within_sla_pct
  FROM crm.crm_automation_runs r
 GROUP BY r.tenant_id, r.workflow_id;
