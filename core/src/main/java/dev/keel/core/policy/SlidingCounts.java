package dev.keel.core.policy;

import java.time.Duration;

/**
 * Totals and failures over a sliding window, kept in fixed-width buckets on a monotonic clock; a
 * bucket older than the window is cleared when its slot comes round again. Not thread-safe: callers
 * lock.
 */
public final class SlidingCounts {

    private final long bucketNanos;
    private final long[] epoch;
    private final long[] totals;
    private final long[] failures;

    /** @throws IllegalArgumentException when the bucket does not divide into the window at least once */
    public SlidingCounts(Duration window, Duration bucket) {
        int n = (int) (window.toNanos() / bucket.toNanos());
        if (n < 1) {
            throw new IllegalArgumentException("window " + window + " is shorter than one bucket of " + bucket);
        }
        this.bucketNanos = bucket.toNanos();
        this.epoch = new long[n];
        this.totals = new long[n];
        this.failures = new long[n];
        java.util.Arrays.fill(epoch, Long.MIN_VALUE);
    }

    /** Adds one event at ticker time {@code nanos}. */
    public void add(long nanos, boolean failed) {
        long e = Math.floorDiv(nanos, bucketNanos);
        int slot = (int) Math.floorMod(e, (long) epoch.length);
        if (epoch[slot] != e) {
            epoch[slot] = e;
            totals[slot] = 0;
            failures[slot] = 0;
        }
        totals[slot]++;
        if (failed) {
            failures[slot]++;
        }
    }

    /** {@code [total, failures]} over the whole window ending at ticker time {@code nanos}. */
    public long[] totals(long nanos) {
        return totals(nanos, epoch.length);
    }

    /** {@code [total, failures]} over the most recent {@code buckets} buckets ending at {@code nanos}. */
    public long[] totals(long nanos, int buckets) {
        long now = Math.floorDiv(nanos, bucketNanos);
        long t = 0;
        long f = 0;
        for (int i = 0; i < epoch.length; i++) {
            if (epoch[i] != Long.MIN_VALUE && now - epoch[i] < Math.min(buckets, epoch.length) && now - epoch[i] >= 0) {
                t += totals[i];
                f += failures[i];
            }
        }
        return new long[] {t, f};
    }
}
