-- Fencing for chunk leases (see Ledger#claim and Ledger#move): every claim of a chunk bumps its
-- lease generation, and the create and submit moves name the generation they were claimed under, so
-- a worker that outlived its lease (or a second process with the same worker id) cannot write over
-- the holder that took over. A create in flight is recorded with who began it and until when it
-- can still land upstream, so a holder that takes the chunk over waits for that before it creates
-- a batch of its own (see Submitter#create). Times are epoch milliseconds. One file for SQLite and
-- PostgreSQL: both accept these ALTERs.

ALTER TABLE keel_batch_chunk ADD COLUMN lease_gen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE keel_batch_chunk ADD COLUMN create_owner VARCHAR(128);
ALTER TABLE keel_batch_chunk ADD COLUMN create_until BIGINT;
