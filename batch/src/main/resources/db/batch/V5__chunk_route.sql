-- How a chunk is sent: NULL follows its run's route (keel batch run --route); 'flex' once the flex
-- lane took it (its items go through the synchronous pipeline at service_tier flex, no batch);
-- 'batch' for a chunk that must go through the Batch API whatever the run's route (the items flex
-- could not serve, with --flex-fallback batch).
ALTER TABLE keel_batch_chunk ADD COLUMN route VARCHAR(8);
