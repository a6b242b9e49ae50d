DROP TRIGGER crm_deals_record_stage ON crm.crm_deals;
DROP FUNCTION crm.record_deal_stage();
DROP TABLE crm.crm_deal_stage_history;
