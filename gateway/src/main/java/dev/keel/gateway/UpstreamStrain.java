package dev.keel.gateway;

import dev.keel.core.error.KeelException;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.RetryDecision;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the upstream is failing now, as the pipeline reports it: some circuit breaker is open, or
 * the retry layer gave up for lack of retry budget within the last {@code window}. The gateway then
 * refuses client retries for keys that ask for it. A listener on the gateway's {@code KeelClient};
 * thread-safe.
 */
final class UpstreamStrain implements EventListener {

    private final Ticker ticker;
    private final long windowNanos;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong budgetSpentAt = new AtomicLong(Long.MIN_VALUE);

    UpstreamStrain(Ticker ticker, Duration window) {
        this.ticker = ticker;
        this.windowNanos = window.toNanos();
    }

    /** Whether a breaker is open or the retry budget ran out lately. */
    boolean strained() {
        long at = budgetSpentAt.get();
        return !open.isEmpty() || (at != Long.MIN_VALUE && ticker.read() - at < windowNanos);
    }

    @Override
    public void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
        if (to == CircuitBreaker.State.OPEN) {
            open.add(breaker);
        } else {
            open.remove(breaker);
        }
    }

    @Override
    public void retryDecided(CallContext call, KeelException failure, RetryDecision decision) {
        if (decision instanceof RetryDecision.GiveUp g && g.reason() == RetryDecision.GiveUpReason.BUDGET_EXHAUSTED) {
            budgetSpentAt.set(ticker.read());
        }
    }
}
