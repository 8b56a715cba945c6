-- The trace span each process that drove a run opened for it (see dev.keel.batch.run.BatchSpans): a
-- process that resumes the run after a crash or a stop links its own run span to these, so the traces
-- of one run join across restarts. Only written while tracing is on. Times are epoch milliseconds;
-- ids are the W3C hex forms. One file for SQLite and PostgreSQL.

CREATE TABLE keel_batch_run_span (
    run_id      VARCHAR(64)  NOT NULL,
    trace_id    VARCHAR(32)  NOT NULL,
    span_id     VARCHAR(16)  NOT NULL,
    trace_flags VARCHAR(2)   NOT NULL,
    owner       VARCHAR(128) NOT NULL,
    started_at  BIGINT       NOT NULL,
    PRIMARY KEY (run_id, span_id)
);
