package dev.keel.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code storm} benchmark's tool side effect, "issue a refund": counts every execution per
 * workflow, so repeats show. The first {@code inFlight} workflows' first execution also holds them
 * between their two model calls until the outage has begun ({@link #awaitInFlight}, {@link
 * #releaseInFlight}). Thread-safe.
 */
final class RefundLedger {

    /** How many workflows ran the side effect not at all, exactly once, more than once. Immutable. */
    record Histogram(int none, int once, int repeated, long total) {}

    private static final Duration GATE_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, AtomicInteger> refunds = new ConcurrentHashMap<>();
    private final int inFlight;
    private final CountDownLatch entered;
    private final CountDownLatch released = new CountDownLatch(1);

    RefundLedger(int inFlight) {
        this.inFlight = inFlight;
        this.entered = new CountDownLatch(inFlight);
    }

    /** The business id of workflow {@code index}, e.g. {@code order-7}. */
    static String id(int index) {
        return "order-" + index;
    }

    /** Issues the refund of workflow {@code index} (the side effect) and returns its receipt. */
    String refund(int index) throws InterruptedException {
        String id = id(index);
        int n = refunds.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        if (index < inFlight && n == 1) {
            entered.countDown();
            if (!released.await(GATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the outage did not begin within " + GATE_TIMEOUT.toSeconds() + " s");
            }
        }
        return "refund-" + id + "-" + n;
    }

    /** Waits until every in-flight workflow has run its side effect; false if that took over a minute. */
    boolean awaitInFlight() throws InterruptedException {
        return entered.await(GATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the in-flight workflows go on to their second model call. */
    void releaseInFlight() {
        released.countDown();
    }

    /** Side effects per workflow over workflows {@code 0..workflows-1}. */
    Histogram histogram(int workflows) {
        int none = 0;
        int once = 0;
        int repeated = 0;
        long total = 0;
        for (int i = 0; i < workflows; i++) {
            AtomicInteger count = refunds.get(id(i));
            int n = count == null ? 0 : count.get();
            total += n;
            none += n == 0 ? 1 : 0;
            once += n == 1 ? 1 : 0;
            repeated += n > 1 ? 1 : 0;
        }
        return new Histogram(none, once, repeated, total);
    }
}
