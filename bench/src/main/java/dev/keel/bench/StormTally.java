package dev.keel.bench;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one stack's model calls did in a {@code storm} run, counted by the stack's own code at the
 * lowest layer it can see: logical model calls by the phase they started in, and upstream calls by
 * the answer they got (503 means the outage, 2xx means healthy). Times are {@link System#nanoTime()}.
 * Thread-safe: counters are atomic and the phase marks volatile.
 */
final class StormTally {

    /** When something happened relative to the outage. Immutable, so thread-safe. */
    enum Phase {
        LEAD_IN,
        OUTAGE,
        AFTER
    }

    /**
     * The counts at one moment, by {@link Phase} ordinal. Immutable, so thread-safe.
     *
     * @param failedAfter logical model calls that failed after the outage ended
     * @param recovery outage end to the first successful model call after it; null when none
     * @param steadyRecovery outage end to the first successful model call after the last failed
     *     one; null when the last model call failed
     */
    record Counts(
            long[] logical,
            long[] upstream,
            long upstreamOther,
            long failedAfter,
            Duration recovery,
            Duration steadyRecovery) {

        long upstreamTotal() {
            return upstream[0] + upstream[1] + upstream[2] + upstreamOther;
        }

        /** Upstream calls answered 503 per logical call started during the outage; NaN without any. */
        double outageRatio() {
            long calls = logical[Phase.OUTAGE.ordinal()];
            return calls == 0 ? Double.NaN : (double) upstream[Phase.OUTAGE.ordinal()] / calls;
        }
    }

    private final LongAdder[] logical = adders();
    private final LongAdder[] upstream = adders();
    private final LongAdder upstreamOther = new LongAdder();
    private final Queue<Long> successesAfter = new ConcurrentLinkedQueue<>();
    private final LongAdder failedAfter = new LongAdder();
    private final AtomicLong lastFailure = new AtomicLong(Long.MIN_VALUE);
    private volatile long outageStart = Long.MAX_VALUE;
    private volatile long outageEnd = Long.MAX_VALUE;

    /** Marks the moment the outage began (read after the emulator switched to 503s). */
    void outageStarted(long nanos) {
        outageStart = nanos;
    }

    /** Marks the moment the outage ended (read before the emulator switched back to answers). */
    void outageEnded(long nanos) {
        outageEnd = nanos;
    }

    long outageStart() {
        return outageStart;
    }

    /** One logical model call starts now: one call the workflow asks its stack to make. */
    void logicalCall() {
        logical[phase(System.nanoTime()).ordinal()].increment();
    }

    /** One upstream call got {@code status} (0 for no answer). */
    void upstreamAnswered(int status) {
        if (status == 503) {
            upstream[Phase.OUTAGE.ordinal()].increment();
        } else if (status / 100 == 2) {
            Phase phase = System.nanoTime() < outageStart ? Phase.LEAD_IN : Phase.AFTER;
            upstream[phase.ordinal()].increment();
        } else {
            upstreamOther.increment();
        }
    }

    /** A logical model call succeeded now; the first one after the outage marks the recovery. */
    void modelCallSucceeded() {
        long now = System.nanoTime();
        if (now >= outageEnd) {
            successesAfter.add(now);
        }
    }

    /** A logical model call failed now, for good (its stack made all the attempts it would). */
    void modelCallFailed() {
        long now = System.nanoTime();
        lastFailure.accumulateAndGet(now, Math::max);
        if (now >= outageEnd) {
            failedAfter.increment();
        }
    }

    Counts counts() {
        long last = lastFailure.get();
        return new Counts(
                sums(logical),
                sums(upstream),
                upstreamOther.sum(),
                failedAfter.sum(),
                sinceOutageEnd(Long.MIN_VALUE),
                sinceOutageEnd(last));
    }

    /** Outage end to the first success after {@code after}; null when there is none. */
    private Duration sinceOutageEnd(long after) {
        return successesAfter.stream()
                .filter(t -> t > after)
                .min(Long::compare)
                .map(t -> Duration.ofNanos(t - outageEnd))
                .orElse(null);
    }

    private Phase phase(long nanos) {
        if (nanos < outageStart) {
            return Phase.LEAD_IN;
        }
        return nanos < outageEnd ? Phase.OUTAGE : Phase.AFTER;
    }

    private static LongAdder[] adders() {
        return new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()};
    }

    private static long[] sums(LongAdder[] adders) {
        return new long[] {adders[0].sum(), adders[1].sum(), adders[2].sum()};
    }
}
