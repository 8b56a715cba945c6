package dev.keel.core.policy;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retry {@code n} (0 for the first retry). A small pure strategy; the
 * randomness is passed in, so tests seed it. Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface Backoff {

    /** The wait before retry {@code retry} (0-based), never negative. */
    Duration delay(int retry, RandomGenerator random);

    /**
     * Full jitter: uniform in {@code [0, min(cap, base·2ⁿ))}; {@code 2ⁿ} saturates instead of
     * overflowing, so any {@code n} is safe.
     *
     * @throws IllegalArgumentException unless {@code 0 < base <= cap}
     */
    static Backoff exponentialFullJitter(Duration base, Duration cap) {
        check(base, cap);
        return (retry, random) -> Duration.ofNanos(random.nextLong(Math.max(1, ceiling(base, cap, retry))));
    }

    /**
     * Additive jitter (recipe A4): {@code min(cap, base·2ⁿ) + U[0, jitter)}.
     *
     * @throws IllegalArgumentException unless {@code 0 < base <= cap} and {@code jitter > 0}
     */
    static Backoff exponentialPlusJitter(Duration base, Duration cap, Duration jitter) {
        check(base, cap);
        if (jitter.isZero() || jitter.isNegative()) {
            throw new IllegalArgumentException("jitter must be positive, got " + jitter);
        }
        return (retry, random) -> Duration.ofNanos(ceiling(base, cap, retry) + random.nextLong(jitter.toNanos()));
    }

    /** {@code min(cap, base·2ⁿ)} in nanoseconds, without overflow. */
    static long ceiling(Duration base, Duration cap, int retry) {
        long b = base.toNanos();
        long c = cap.toNanos();
        int n = Math.max(0, retry);
        if (n >= 63 || b > (c >> Math.min(n, 62))) {
            return c;
        }
        return Math.min(c, b << n);
    }

    private static void check(Duration base, Duration cap) {
        if (base.isZero() || base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base=" + base + " cap=" + cap);
        }
    }
}
