-- Every stage a deal enters, with when it left: the source of crm.pipeline_velocity.
-- Kept by a trigger on crm_deals, so no writer can forget it.

CREATE TABLE crm.crm_deal_stage_history (
    tenant_id    uuid NOT NULL REFERENCES crm.crm_tenants (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    deal_id      uuid NOT NULL,
    pipeline_id  uuid NOT NULL,
    stage        text NOT NULL,
    entered_at   timestamptz NOT NULL DEFAULT now(),
    left_at      timestamptz CHECK (left_at IS NULL OR left_at >= entered_at),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES crm.crm_deals (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_deal_stage_history_tenant_deal ON crm.crm_deal_stage_history (tenant_id, deal_id, entered_at);
CREATE INDEX idx_deal_stage_history_tenant_stage ON crm.crm_deal_stage_history (tenant_id, pipeline_id, stage);

-- SECURITY INVOKER (the default): the writer's own rights and row-level security apply.
CREATE FUNCTION crm.record_deal_stage() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.stage IS NOT DISTINCT FROM OLD.stage AND NEW.pipeline_id IS NOT DISTINCT FROM OLD.pipeline_id THEN
            RETURN NEW;
        END IF;
        UPDATE crm.crm_deal_stage_history
           SET left_at = now()
         WHERE tenant_id = OLD.tenant_id AND deal_id = OLD.id AND left_at IS NULL;
    END IF;
    INSERT INTO crm.crm_deal_stage_history (tenant_id, deal_id, pipeline_id, stage)
    VALUES (NEW.tenant_id, NEW.id, NEW.pipeline_id, NEW.stage);
    RETURN NEW;
END;
$$;

CREATE TRIGGER crm_deals_record_stage
    AFTER INSERT OR UPDATE OF stage, pipeline_id ON crm.crm_deals
    FOR EACH ROW EXECUTE FUNCTION crm.record_deal_stage();
