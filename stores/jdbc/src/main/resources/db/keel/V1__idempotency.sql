-- Idempotency records shared by every keel process on one database (SQLite or PostgreSQL).
CREATE TABLE keel_idempotency (
    idem_key    VARCHAR(512) PRIMARY KEY,
    state       VARCHAR(16)  NOT NULL,
    token       VARCHAR(64)  NOT NULL,
    result_hash VARCHAR(64),
    result      TEXT,
    expires_at  BIGINT       NOT NULL
);
