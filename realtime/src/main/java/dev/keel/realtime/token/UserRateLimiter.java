package dev.keel.realtime.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keel.wire.time.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Tokens per user per minute, one Bucket4j token bucket per user (capacity {@code perMinute},
 * refilled greedily over a minute), idle buckets dropped after 10 minutes. Time comes from a
 * {@link Ticker}, so tests move it by hand. Thread-safe.
 */
public final class UserRateLimiter {

    /** Allowed, or refused with how long until the next token. */
    public sealed interface Verdict {
        record Allowed(long remaining) implements Verdict {}

        record Refused(Duration retryAfter) implements Verdict {}
    }

    private volatile int perMinute;
    private final TimeMeter meter;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000)
            .build();

    /** @throws IllegalArgumentException when {@code perMinute < 1} */
    public UserRateLimiter(int perMinute, Ticker ticker) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("the per-user token rate must be at least 1 a minute, got " + perMinute);
        }
        this.perMinute = perMinute;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Takes one token from the user's bucket. */
    public Verdict tryAcquire(String user) {
        Bucket bucket = buckets.get(
                user,
                u -> Bucket.builder()
                        .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                        .withCustomTimePrecision(meter)
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed()
                ? new Verdict.Allowed(probe.getRemainingTokens())
                : new Verdict.Refused(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /**
     * Changes the rate while running (a reloaded configuration): every user starts again from a
     * full bucket at the new rate.
     *
     * @throws IllegalArgumentException when {@code perMinute < 1}
     */
    public void setPerMinute(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("the per-user token rate must be at least 1 a minute, got " + perMinute);
        }
        this.perMinute = perMinute;
        buckets.invalidateAll();
    }

    public int perMinute() {
        return perMinute;
    }
}
