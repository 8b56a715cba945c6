-- Who drives a run (one process at a time; see RunClaims) and the batches found upstream that no
-- chunk owns (see OrphanSweeper). Times are epoch milliseconds; money is USD.

CREATE TABLE keel_batch_run_claim (
    run_id      VARCHAR(64)  PRIMARY KEY,
    owner       VARCHAR(128) NOT NULL,
    host        VARCHAR(128) NOT NULL,
    pid         BIGINT       NOT NULL,
    command     VARCHAR(32)  NOT NULL,
    claimed_at  BIGINT       NOT NULL,
    lease_until BIGINT       NOT NULL
);

CREATE TABLE keel_batch_orphan (
    batch_id     VARCHAR(128)     PRIMARY KEY,
    run_id       VARCHAR(64)      NOT NULL,
    chunk_no     INTEGER,
    action       VARCHAR(16)      NOT NULL,
    status       VARCHAR(32),
    cost_usd     DOUBLE PRECISION NOT NULL,
    spend_day    VARCHAR(10)      NOT NULL,
    found_at     BIGINT           NOT NULL,
    found_by     VARCHAR(128)     NOT NULL
);
CREATE INDEX keel_batch_orphan_run ON keel_batch_orphan (run_id);
