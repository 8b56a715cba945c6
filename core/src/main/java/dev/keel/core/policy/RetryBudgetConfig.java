package dev.keel.core.policy;

import java.time.Duration;

/**
 * How many retries a client may add to its traffic (the gRPC/Finagle retry budget).
 *
 * @param ttl the window deposits and withdrawals are counted over (default 10 s)
 * @param retryRatio retries allowed per call in the window (default 0.10: at most 10 % extra load)
 * @param minRetriesPerSecond a floor so low traffic can still retry (default 1 per second): beyond
 *     the share, a retry is allowed while the last {@value RetryBudget#FLOOR_SECONDS} s saw fewer
 *     than {@code minRetriesPerSecond·}{@value RetryBudget#FLOOR_SECONDS} retries
 */
public record RetryBudgetConfig(Duration ttl, double retryRatio, int minRetriesPerSecond) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public RetryBudgetConfig {
        if (ttl.toSeconds() < 1 || ttl.toSeconds() > 60) {
            throw new IllegalArgumentException("retry budget ttl must be 1-60 s, got " + ttl);
        }
        if (!(retryRatio >= 0 && retryRatio <= 1)) {
            throw new IllegalArgumentException("retryRatio must be within 0..1, got " + retryRatio);
        }
        if (minRetriesPerSecond < 0) {
            throw new IllegalArgumentException("minRetriesPerSecond must be >= 0, got " + minRetriesPerSecond);
        }
    }

    /**
     * 10 s window, 10 % of calls, but at least 1 retry a second: during a total outage retries run at
     * {@code max(10 % of the call rate, 1/s)}, ~1.1 upstream calls per logical call at 10 calls/s or
     * more (more below that, where the floor lets a quiet client retry).
     */
    public static RetryBudgetConfig ofDefaults() {
        return new RetryBudgetConfig(Duration.ofSeconds(10), 0.10, 1);
    }
}
