-- Reuse of earlier answers when an edited input is run again (docs/batch.md, "Edited input").
-- request_hash: SHA-256 of the upstream identity and the canonical request line; a custom_id whose
-- hash matches an item that succeeded in an earlier run is answered from that run (state REUSED).
-- reused_from: the run whose batch produced a reused result (null for results of this run).
ALTER TABLE keel_batch_item ADD COLUMN request_hash VARCHAR(64);
ALTER TABLE keel_batch_result ADD COLUMN reused_from VARCHAR(64);
CREATE INDEX keel_batch_item_custom_id ON keel_batch_item (custom_id);
