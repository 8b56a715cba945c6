package dev.keel.core.idempotency;

import dev.keel.core.policy.Deadline;
import dev.keel.core.time.Sleeper;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a tool's side effect at most once per {@link IdempotencyKey}, however often the step is
 * retried, replayed or re-run after a crash: the first caller claims the key and runs it; a caller
 * that finds the key DONE gets the stored result without running anything (counted as
 * suppressed); a caller that finds it PENDING waits for the first, polling within its deadline. A
 * side effect that throws releases the key, so a later call may try again, and fails the call with
 * a {@link ToolExecutionException} naming the key. Thread-safe.
 */
public final class ExactlyOnceToolExecutor {

    /** What happened: the side effect ran now, or an earlier run's result was returned. */
    public sealed interface Outcome {
        String result();

        record Executed(String result) implements Outcome {}

        record Replayed(String result) implements Outcome {}
    }

    private final IdempotencyStore store;
    private final Duration ttl;
    private final Duration pollInterval;
    private final Sleeper sleeper;
    private final LongAdder suppressed = new LongAdder();

    /**
     * @param ttl how long PENDING and DONE records live (default 15 min); must cover the longest retry window
     * @throws IllegalArgumentException when {@code ttl} is shorter than {@code longestRetryWindow}
     */
    public ExactlyOnceToolExecutor(
            IdempotencyStore store, Duration ttl, Duration longestRetryWindow, Duration pollInterval, Sleeper sleeper) {
        if (ttl.compareTo(longestRetryWindow) < 0) {
            throw new IllegalArgumentException(
                    "idempotency TTL " + ttl + " is shorter than the longest retry window " + longestRetryWindow
                            + ": a late retry could run the side effect again. Use at least that, e.g. 15m");
        }
        this.store = store;
        this.ttl = ttl;
        this.pollInterval = pollInterval;
        this.sleeper = sleeper;
    }

    /**
     * Runs {@code sideEffect} once for {@code key}.
     *
     * @throws IdempotencyInProgressException when another caller still holds the key at the deadline
     *     (or this thread is interrupted while waiting for it; the interrupt flag is kept)
     * @throws ToolExecutionException when the side effect throws, with what it threw as the cause
     *     (the key is released, so a later call runs it again)
     */
    public Outcome execute(IdempotencyKey key, Deadline deadline, Callable<String> sideEffect) {
        while (true) {
            switch (store.claim(key, ttl)) {
                case IdempotencyStore.Claim.Acquired a -> {
                    return run(key, a.token(), sideEffect);
                }
                case IdempotencyStore.Claim.Done d -> {
                    suppressed.increment();
                    return new Outcome.Replayed(d.result());
                }
                case IdempotencyStore.Claim.InProgress p -> awaitTurn(key, deadline);
            }
        }
    }

    private Outcome run(IdempotencyKey key, String token, Callable<String> sideEffect) {
        String result;
        try {
            result = sideEffect.call();
        } catch (Exception e) {
            store.release(key, token);
            throw new ToolExecutionException(key, e);
        }
        store.complete(key, token, result, ttl);
        return new Outcome.Executed(result);
    }

    private void awaitTurn(IdempotencyKey key, Deadline deadline) {
        if (!deadline.fits(pollInterval)) {
            throw new IdempotencyInProgressException(key);
        }
        try {
            sleeper.sleep(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdempotencyInProgressException(key);
        }
    }

    /** Exports {@link #suppressed()} as {@code idempotency_suppressed_total} on {@code registry}. */
    public ExactlyOnceToolExecutor bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "idempotency_suppressed", this, ExactlyOnceToolExecutor::suppressed)
                .description("tool calls answered from a stored result instead of running the side effect again")
                .register(registry);
        return this;
    }

    /** Calls answered from a stored result instead of running the side effect ({@code idempotency_suppressed_total}). */
    public long suppressed() {
        return suppressed.sum();
    }
}
