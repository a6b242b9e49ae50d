-- The CRM data model (plan §2): tenants and their leads, contacts, pipelines, stages, deals,
-- activities and automation runs, in schema crm.
--
-- Multi-tenant rules:
--   * every tenant-owned table has tenant_id uuid NOT NULL referencing crm_tenants and its primary key is
--     (tenant_id, id), so every key, index and reference leads with tenant_id and each table can be
--     distributed by tenant_id on Citus;
--   * every reference between tenant-owned tables is a composite foreign key (tenant_id, x_id): a row can
--     only point at rows of its own tenant, enforced by the database (row-level security does not cover
--     foreign-key checks).

CREATE SCHEMA IF NOT EXISTS crm;

-- citext in public, which is on every role's default search_path, so that e-mail comparisons keep
-- using citext's case-insensitive operators whoever runs the query.
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

CREATE TABLE crm.crm_tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        public.citext NOT NULL UNIQUE CHECK (slug::text ~ '^[a-z][a-z0-9_]{1,30}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    domain      text NOT NULL UNIQUE CHECK (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
    verticals   text[] NOT NULL DEFAULT '{}'
                CHECK (verticals <@ ARRAY['wedding', 'corporate', 'festival']::text[]),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crm.crm_contacts (
    tenant_id    uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    first_name   text,
    last_name    text,
    email        public.citext,
    phone        text,
    preferences  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(preferences) = 'object'),
    gdpr_opt_in  boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);

CREATE TABLE crm.crm_pipelines (
    tenant_id           uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    key                 text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    type                text NOT NULL DEFAULT 'sales',
    vertical            text CHECK (vertical IN ('wedding', 'corporate', 'festival')),
    sla_response_hours  numeric(8, 2) NOT NULL DEFAULT 24 CHECK (sla_response_hours > 0),
    is_default          boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key)
);
-- At most one default pipeline per tenant and vertical.
CREATE UNIQUE INDEX crm_pipelines_one_default
    ON crm.crm_pipelines (tenant_id, (coalesce(vertical, ''))) WHERE is_default;

CREATE TABLE crm.crm_stages (
    tenant_id           uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    pipeline_id         uuid NOT NULL,
    sequence            integer NOT NULL CHECK (sequence > 0),
    key                 text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    sla_hours           numeric(8, 2) NOT NULL DEFAULT 24 CHECK (sla_hours > 0),
    auto_progress_rule  jsonb CHECK (auto_progress_rule IS NULL OR jsonb_typeof(auto_progress_rule) = 'object'),
    automation_flow     text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, pipeline_id, key),
    -- Deferrable so that a re-seed can reorder stages inside one transaction.
    UNIQUE (tenant_id, pipeline_id, sequence) DEFERRABLE INITIALLY IMMEDIATE,
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES crm.crm_pipelines (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE crm.crm_leads (
    tenant_id   uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id  uuid,
    source      text NOT NULL DEFAULT 'unknown',
    campaign    text,
    status      text NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost')),
    score       integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- The contact is optional: deleting it keeps the lead, and SET NULL (contact_id) keeps tenant_id.
    FOREIGN KEY (tenant_id, contact_id) REFERENCES crm.crm_contacts (tenant_id, id) ON DELETE SET NULL (contact_id)
);
CREATE INDEX idx_leads_tenant_status ON crm.crm_leads (tenant_id, status);
CREATE INDEX idx_leads_tenant_contact ON crm.crm_leads (tenant_id, contact_id);

CREATE TABLE crm.crm_deals (
    tenant_id         uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id        uuid NOT NULL,
    pipeline_id       uuid NOT NULL,
    -- The key of a stage of this deal's own pipeline.
    stage             text NOT NULL,
    value             numeric(12, 2) NOT NULL DEFAULT 0 CHECK (value >= 0),
    currency          char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    expected_close    date,
    probability       smallint NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    package           text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- A contact with deals cannot be deleted (NO ACTION: checked at the end of the statement, so removing
    -- a whole tenant, which cascades to both, still works).
    FOREIGN KEY (tenant_id, contact_id) REFERENCES crm.crm_contacts (tenant_id, id) ON DELETE NO ACTION,
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES crm.crm_pipelines (tenant_id, id) ON DELETE CASCADE,
    -- A stage in use cannot be removed; renaming a stage's key follows through.
    FOREIGN KEY (tenant_id, pipeline_id, stage) REFERENCES crm.crm_stages (tenant_id, pipeline_id, key)
        ON UPDATE CASCADE ON DELETE NO ACTION
);
CREATE INDEX idx_deals_tenant_contact ON crm.crm_deals (tenant_id, contact_id);
CREATE INDEX idx_deals_tenant_pipeline_stage ON crm.crm_deals (tenant_id, pipeline_id, stage);

CREATE TABLE crm.crm_activities (
    tenant_id      uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    deal_id        uuid,
    contact_id     uuid,
    activity_type  text NOT NULL
                   CHECK (activity_type IN ('note', 'call', 'meeting', 'email', 'whatsapp', 'sms', 'teams', 'task', 'stage_change')),
    payload        jsonb NOT NULL DEFAULT '{}'::jsonb,
    due_at         timestamptz,
    -- A user of the platform's backend (its users table lives there, not in this schema).
    owner_id       uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES crm.crm_deals (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES crm.crm_contacts (tenant_id, id) ON DELETE SET NULL (contact_id)
);
CREATE INDEX idx_activities_tenant_deal ON crm.crm_activities (tenant_id, deal_id);
CREATE INDEX idx_activities_tenant_contact ON crm.crm_activities (tenant_id, contact_id);

CREATE TABLE crm.crm_automation_runs (
    tenant_id     uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    trigger       text NOT NULL
                  CHECK (trigger IN ('lead.created', 'deal.stage.changed', 'payment.received', 'event.completed')),
    workflow_id   text NOT NULL,
    deal_id       uuid,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    -- The workflow's SLA when the run started, so a later edit of the workflow does not rewrite history.
    sla_hours     numeric(8, 2) CHECK (sla_hours > 0),
    started_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz CHECK (completed_at IS NULL OR completed_at >= started_at),
    context       jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES crm.crm_deals (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_automation_runs_tenant_deal ON crm.crm_automation_runs (tenant_id, deal_id);
CREATE INDEX idx_automation_runs_tenant_workflow ON crm.crm_automation_runs (tenant_id, workflow_id, started_at);
