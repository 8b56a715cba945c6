package dev.keel.core.fallback;

import java.time.Duration;

/**
 * How many last-known-good answers a client keeps and for how long.
 *
 * @param lastKnownGoodEntries answers kept at most, one per fallback key, least recently used
 *     evicted first (default 10,000); 0 keeps none
 * @param lastKnownGoodTtl how long after it was stored an answer may still be served (default 10
 *     min: older than that, a stale answer is worse than an honest error)
 */
public record FallbackConfig(int lastKnownGoodEntries, Duration lastKnownGoodTtl) {

    /** @throws IllegalArgumentException for a negative size or a TTL that is not positive */
    public FallbackConfig {
        if (lastKnownGoodEntries < 0) {
            throw new IllegalArgumentException("lastKnownGoodEntries must be >= 0, got " + lastKnownGoodEntries);
        }
        if (lastKnownGoodTtl == null || lastKnownGoodTtl.toMillis() < 1) {
            throw new IllegalArgumentException("lastKnownGoodTtl must be at least 1 ms, got " + lastKnownGoodTtl);
        }
    }

    /** 10,000 answers, each servable for 10 minutes. */
    public static FallbackConfig ofDefaults() {
        return new FallbackConfig(10_000, Duration.ofMinutes(10));
    }
}
