package dev.keel.core.internal.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Totals and failures over a sliding window, kept in fixed-width buckets on a monotonic clock; a
 * bucket older than the window is replaced when its slot comes round again. Thread-safe and
 * lock-free: adding is one striped increment (plus, once per bucket width, one compare-and-set that
 * installs a fresh bucket), so the hot path of every call never waits on a lock. Counts are exact:
 * an increment racing with the replacement of its bucket can only be lost when the bucket it meant
 * is already older than the window, i.e. when it would no longer be counted anyway.
 */
public final class SlidingCounts {

    /** One bucket's counts; its epoch never changes, a new epoch gets a new bucket. */
    private static final class Bucket {
        final long epoch;
        final LongAdder total = new LongAdder();
        final LongAdder failures = new LongAdder();

        Bucket(long epoch) {
            this.epoch = epoch;
        }
    }

    /**
     * The whole window's sums over the buckets at least two widths older than bucket {@code epoch}:
     * buckets no event is still being counted into, summed once per bucket width instead of per call.
     */
    private record Settled(long epoch, long total, long failures) {}

    private final long bucketNanos;
    private final AtomicReferenceArray<Bucket> buckets;
    private volatile Settled settled;

    /** @throws IllegalArgumentException when the bucket does not divide into the window at least once */
    public SlidingCounts(Duration window, Duration bucket) {
        int n = (int) (window.toNanos() / bucket.toNanos());
        if (n < 1) {
            throw new IllegalArgumentException("window " + window + " is shorter than one bucket of " + bucket);
        }
        this.bucketNanos = bucket.toNanos();
        this.buckets = new AtomicReferenceArray<>(n);
    }

    /** Adds one event at ticker time {@code nanos}; an event older than the window is ignored. */
    public void add(long nanos, boolean failed) {
        long e = Math.floorDiv(nanos, bucketNanos);
        int slot = (int) Math.floorMod(e, (long) buckets.length());
        Bucket b = buckets.get(slot);
        while (b == null || b.epoch < e) {
            Bucket fresh = new Bucket(e);
            if (buckets.compareAndSet(slot, b, fresh)) {
                b = fresh;
                break;
            }
            b = buckets.get(slot);
        }
        if (b.epoch != e) {
            return; // the slot already holds a newer bucket: this event is older than the window
        }
        b.total.increment();
        if (failed) {
            b.failures.increment();
        }
    }

    /** {@code [total, failures]} over the whole window ending at ticker time {@code nanos}. */
    public long[] totals(long nanos) {
        return totals(nanos, buckets.length());
    }

    /** {@code [total, failures]} over the most recent {@code buckets} buckets ending at {@code nanos}. */
    public long[] totals(long nanos, int recent) {
        return new long[] {sum(nanos, recent, false), sum(nanos, recent, true)};
    }

    /** Events over the most recent {@code recent} buckets ending at {@code nanos} (no allocation). */
    public long total(long nanos, int recent) {
        return sum(nanos, recent, false);
    }

    /** Failed events over the most recent {@code recent} buckets ending at {@code nanos} (no allocation). */
    public long failures(long nanos, int recent) {
        return sum(nanos, recent, true);
    }

    /**
     * Events over the whole window ending at {@code nanos}, as {@code total(nanos, buckets())} but
     * cheap enough for every call: the settled buckets are summed once per bucket width, only the
     * current and the previous bucket each time. An event counted more than one bucket width after
     * its clock reading (a thread stalled that long between the two) is missed until the next width.
     */
    public long windowTotal(long nanos) {
        return window(nanos, false);
    }

    /** Failed events over the whole window ending at {@code nanos}; see {@link #windowTotal}. */
    public long windowFailures(long nanos) {
        return window(nanos, true);
    }

    /** The window's length in buckets. */
    public int buckets() {
        return buckets.length();
    }

    private long window(long nanos, boolean failuresOnly) {
        long now = Math.floorDiv(nanos, bucketNanos);
        Settled s = settled;
        if (s == null || s.epoch() != now) {
            s = settle(now);
            settled = s; // racing threads compute the same sums; any of them may win
        }
        long sum = failuresOnly ? s.failures() : s.total();
        for (long e = now; e > now - Math.min(2, buckets.length()); e--) {
            Bucket b = buckets.get((int) Math.floorMod(e, (long) buckets.length()));
            if (b != null && b.epoch == e) {
                sum += failuresOnly ? b.failures.sum() : b.total.sum();
            }
        }
        return sum;
    }

    private Settled settle(long now) {
        long total = 0;
        long failures = 0;
        for (int i = 0; i < buckets.length(); i++) {
            Bucket b = buckets.get(i);
            if (b != null && now - b.epoch >= 2 && now - b.epoch < buckets.length()) {
                total += b.total.sum();
                failures += b.failures.sum();
            }
        }
        return new Settled(now, total, failures);
    }

    private long sum(long nanos, int recent, boolean failuresOnly) {
        long now = Math.floorDiv(nanos, bucketNanos);
        int span = Math.min(recent, buckets.length());
        long sum = 0;
        for (int i = 0; i < buckets.length(); i++) {
            Bucket b = buckets.get(i);
            if (b != null && now - b.epoch < span && now - b.epoch >= 0) {
                sum += failuresOnly ? b.failures.sum() : b.total.sum();
            }
        }
        return sum;
    }
}
