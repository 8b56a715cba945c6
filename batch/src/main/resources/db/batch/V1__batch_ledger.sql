-- The batch ledger: runs, chunks, items, results, failed attempts and daily spend.
-- One schema for SQLite (the default, .keel/keel.db) and PostgreSQL (many workers).
-- Times are epoch milliseconds; money is USD.

CREATE TABLE keel_batch_run (
    run_id        VARCHAR(64)   PRIMARY KEY,
    created_at    BIGINT        NOT NULL,
    input_file    VARCHAR(4096) NOT NULL,
    input_sha256  VARCHAR(64)   NOT NULL,
    run_dir       VARCHAR(4096) NOT NULL,
    config        TEXT          NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    items         BIGINT        NOT NULL,
    rejected      BIGINT        NOT NULL,
    finished_at   BIGINT
);

CREATE TABLE keel_batch_chunk (
    run_id          VARCHAR(64)      NOT NULL,
    chunk_no        INTEGER          NOT NULL,
    round           INTEGER          NOT NULL,
    url             VARCHAR(64)      NOT NULL,
    model           VARCHAR(256)     NOT NULL,
    file_name       VARCHAR(512)     NOT NULL,
    items           INTEGER          NOT NULL,
    bytes           BIGINT           NOT NULL,
    est_in_tokens   BIGINT           NOT NULL,
    est_out_tokens  BIGINT           NOT NULL,
    est_cost_usd    DOUBLE PRECISION NOT NULL,
    state           VARCHAR(16)      NOT NULL,
    hold_reason     TEXT,
    file_id         VARCHAR(128),
    batch_id        VARCHAR(128),
    batch_status    VARCHAR(32),
    spend_day       VARCHAR(10),
    created_at      BIGINT           NOT NULL,
    intent_at       BIGINT,
    submitted_at    BIGINT,
    finished_at     BIGINT,
    next_poll_at    BIGINT,
    done_count      INTEGER,
    failed_count    INTEGER,
    actual_cost_usd DOUBLE PRECISION,
    lease_owner     VARCHAR(128),
    lease_until     BIGINT,
    fallback_at     BIGINT,
    PRIMARY KEY (run_id, chunk_no)
);

CREATE TABLE keel_batch_item (
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
    PRIMARY KEY (run_id, custom_id)
);
CREATE INDEX keel_batch_item_chunk ON keel_batch_item (run_id, chunk_no);

-- The result sink of the recipe: one row per custom_id, written by upsert, replay_count kept.
CREATE TABLE keel_batch_result (
    run_id        VARCHAR(64)      NOT NULL,
    custom_id     VARCHAR(512)     NOT NULL,
    replay_count  INTEGER          NOT NULL,
    status_code   INTEGER          NOT NULL,
    body          TEXT             NOT NULL,
    batch_id      VARCHAR(128)     NOT NULL,
    request_id    VARCHAR(128),
    tier          VARCHAR(8)       NOT NULL,
    input_tokens  BIGINT           NOT NULL,
    cached_tokens BIGINT           NOT NULL,
    output_tokens BIGINT           NOT NULL,
    cost_usd      DOUBLE PRECISION NOT NULL,
    sync_cost_usd DOUBLE PRECISION NOT NULL,
    completed_at  BIGINT           NOT NULL,
    CONSTRAINT uk_keel_batch_result UNIQUE (run_id, custom_id)
);

-- Every failed attempt of an item (one per replay round), for failed.jsonl and the report.
CREATE TABLE keel_batch_attempt (
    run_id       VARCHAR(64)  NOT NULL,
    custom_id    VARCHAR(512) NOT NULL,
    replay_count INTEGER      NOT NULL,
    chunk_no     INTEGER      NOT NULL,
    batch_id     VARCHAR(128),
    status_code  INTEGER,
    code         VARCHAR(128) NOT NULL,
    class        VARCHAR(16)  NOT NULL,
    message      TEXT,
    at           BIGINT       NOT NULL,
    PRIMARY KEY (run_id, custom_id, replay_count)
);

-- Spend per UTC day across runs, for the daily cap: estimates while a chunk runs, real cost after.
CREATE TABLE keel_batch_spend (
    day           VARCHAR(10)      PRIMARY KEY,
    committed_usd DOUBLE PRECISION NOT NULL
);
