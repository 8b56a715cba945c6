-- The gateway's spend counters: one row per key and period (day:YYYY-MM-DD, month:YYYY-MM), in nano-USD.
CREATE TABLE IF NOT EXISTS keel_gateway_spend (
    key_id      VARCHAR(200) NOT NULL,
    period      VARCHAR(32)  NOT NULL,
    spent_nanos BIGINT       NOT NULL,
    PRIMARY KEY (key_id, period)
);
