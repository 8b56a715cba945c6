-- Where a run's batches live, so sandbox output is never mistaken for real output and a sandbox
-- run is never resumed against a real upstream (or the reverse): 'sandbox' for the embedded
-- emulator, else the base URL. NULL for runs planned before this column existed.
ALTER TABLE keel_batch_run ADD COLUMN upstream VARCHAR(4096);

-- How often a chunk was redone because the upstream no longer knew its file or batch (a 404):
-- once at most; forgotten again, its items go to the manual queue as upstream_forgot.
ALTER TABLE keel_batch_chunk ADD COLUMN redo_count INTEGER NOT NULL DEFAULT 0;
