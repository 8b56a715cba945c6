package dev.keel.core.metrics;

import dev.keel.core.internal.policy.SlidingCounts;
import dev.keel.wire.time.Ticker;
import java.time.Duration;

/**
 * Events and failures over a sliding window on a monotonic ticker, kept in fixed-width buckets: the
 * counting behind keel's breaker, degrade signal and retry budget, for other modules' windowed
 * gauges (realtime's interrupt failure rate, its reconnects per hour). Thread-safe and lock-free.
 */
public final class WindowCounts {

    /** Events and the failed ones among them. */
    public record Counts(long total, long failures) {
        /** Failed share, 0 when there were no events. */
        public double failureRate() {
            return total == 0 ? 0 : (double) failures / total;
        }
    }

    private final SlidingCounts counts;
    private final Ticker ticker;

    /**
     * @param window how far back the counts reach
     * @param bucket the width of one bucket; the window is a whole number of them
     * @throws IllegalArgumentException when the bucket does not divide into the window at least once
     */
    public WindowCounts(Duration window, Duration bucket, Ticker ticker) {
        this.counts = new SlidingCounts(window, bucket);
        this.ticker = ticker;
    }

    /** Counts one event now. */
    public void record(boolean failed) {
        counts.add(ticker.read(), failed);
    }

    /** The counts of the whole window ending now. */
    public Counts window() {
        long[] t = counts.totals(ticker.read());
        return new Counts(t[0], t[1]);
    }

    /** The counts of the most recent {@code buckets} buckets ending now (at most the window's). */
    public Counts recent(int buckets) {
        long[] t = counts.totals(ticker.read(), buckets);
        return new Counts(t[0], t[1]);
    }
}
