package dev.keel.core.policy;

import dev.keel.core.error.InFlightLimitException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps the calls one client has in flight (default 64). A call waits for a permit at most the time
 * its deadline has left, then fails fast with {@link InFlightLimitException}. The limit can be
 * lowered and raised while running (the degrade reaction), without disturbing calls that hold
 * permits. Thread-safe.
 */
public final class InFlightLimit {

    private final AdjustableSemaphore permits;
    private volatile int configured;
    private volatile int limit;

    /** @throws IllegalArgumentException when {@code limit} is below 1 */
    public InFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + limit);
        }
        this.configured = limit;
        this.limit = limit;
        this.permits = new AdjustableSemaphore(limit);
    }

    /** A held permit; closing it returns the permit. Close exactly once. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a permit, waiting at most the deadline's time left.
     *
     * @throws InFlightLimitException when no permit came in time
     */
    public Permit acquire(Deadline deadline) {
        if (!permits.tryAcquire()) {
            awaitPermit(deadline);
        }
        return new Permit() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    permits.release();
                }
            }
        };
    }

    private void awaitPermit(Deadline deadline) {
        Duration wait = deadline.remaining();
        boolean got;
        try {
            got = permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new InFlightLimitException(limit, wait);
        }
    }

    /** Calls in flight now. */
    public int inUse() {
        return Math.max(0, limit - permits.availablePermits());
    }

    /** The limit in force now. */
    public int limit() {
        return limit;
    }

    /** The limit it was built with, or last {@link #reconfigure reconfigured} to. */
    public int configured() {
        return configured;
    }

    /**
     * Changes the configured limit (a reloaded configuration) and sets the current limit to {@code
     * current}, which the caller derives from it (the degrade reaction scales it down).
     *
     * @throws IllegalArgumentException when either is below 1
     */
    public synchronized void reconfigure(int newConfigured, int current) {
        if (newConfigured < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + newConfigured);
        }
        configured = newConfigured;
        setLimit(current);
    }

    /**
     * Changes the limit; calls in flight keep their permits, new calls see the new limit as permits
     * come back.
     *
     * @throws IllegalArgumentException when {@code newLimit} is below 1
     */
    public synchronized void setLimit(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + newLimit);
        }
        int delta = newLimit - limit;
        if (delta > 0) {
            permits.release(delta);
        } else if (delta < 0) {
            permits.reduce(-delta);
        }
        limit = newLimit;
    }

    /** A semaphore whose permits can be taken away without waiting for them. */
    private static final class AdjustableSemaphore extends Semaphore {
        private static final long serialVersionUID = 1L;

        AdjustableSemaphore(int permits) {
            super(permits, false); // unfair: cheaper under contention; every wait is bounded by a deadline anyway
        }

        void reduce(int n) {
            reducePermits(n);
        }
    }
}
