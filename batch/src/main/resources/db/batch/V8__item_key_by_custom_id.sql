-- One index fewer on keel_batch_item (docs/decisions.md D145). The primary key becomes
-- (custom_id, run_id): it is still the run-wide duplicate check a plan relies on, and it now also
-- serves the look-up of a custom_id in earlier runs (request reuse), which had its own index
-- (V2's keel_batch_item_custom_id). Queries by run alone use keel_batch_item_chunk, as before.
-- A plan then writes three B-trees per item instead of four.
-- SQLite cannot change a table's primary key in place, so the table is rebuilt (its rows copied once,
-- on the first open after an upgrade). One file for SQLite and PostgreSQL.

CREATE TABLE keel_batch_item_v8 (
    run_id         VARCHAR(64)  NOT NULL,
    custom_id      VARCHAR(512) NOT NULL,
    line_no        BIGINT       NOT NULL,
    chunk_no       INTEGER      NOT NULL,
    line           TEXT         NOT NULL,
    est_in_tokens  INTEGER      NOT NULL,
    est_out_tokens INTEGER      NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    replay_count   INTEGER      NOT NULL,
    error_code     VARCHAR(128),
    error_class    VARCHAR(16),
    error_message  TEXT,
    updated_at     BIGINT       NOT NULL,
    request_hash   VARCHAR(64),
    PRIMARY KEY (custom_id, run_id)
);

INSERT INTO keel_batch_item_v8 (run_id, custom_id, line_no, chunk_no, line, est_in_tokens, est_out_tokens, state,
        replay_count, error_code, error_class, error_message, updated_at, request_hash)
    SELECT run_id, custom_id, line_no, chunk_no, line, est_in_tokens, est_out_tokens, state,
        replay_count, error_code, error_class, error_message, updated_at, request_hash
    FROM keel_batch_item;

DROP TABLE keel_batch_item;

ALTER TABLE keel_batch_item_v8 RENAME TO keel_batch_item;

CREATE INDEX keel_batch_item_chunk ON keel_batch_item (run_id, chunk_no);
