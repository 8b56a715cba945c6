package dev.keel.core.policy;

import dev.keel.core.internal.policy.SlidingCounts;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The soft alarm below the circuit breaker: {@code DEGRADED} while, over the last minute, more than
 * 100 calls were made and more than 20 % of them failed (both conditions; see {@link
 * DegradeConfig}). Callers read {@link #state()} or subscribe to changes to switch model tier or
 * lower concurrency. Counts live in one-second buckets on an injected {@link Ticker}. Thread-safe:
 * recording a call takes no lock (lock-free counts, then a read of the state); only a change of
 * state is decided under the signal's lock, re-evaluated there, so each change is heard once.
 */
public final class DegradeSignal {

    /** Whether the upstream looks healthy. */
    public enum State {
        NORMAL,
        DEGRADED
    }

    private final DegradeConfig config;
    private final Ticker ticker;
    private final SlidingCounts counts;
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private volatile State state = State.NORMAL;

    public DegradeSignal(DegradeConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        this.counts = new SlidingCounts(config.window(), Duration.ofSeconds(1));
    }

    /** Records one finished call and re-evaluates; listeners hear about a change once. */
    public void record(boolean failed) {
        counts.add(ticker.read(), failed);
        if (evaluate() != state) {
            settle();
        }
    }

    /** The state now (re-evaluated, so an old burst ages out even without new calls). */
    public State state() {
        return evaluate() == state ? state : settle();
    }

    /** Moves to the state the counts give now, under the lock; listeners hear a move once, outside it. */
    private State settle() {
        State next;
        synchronized (this) {
            next = evaluate();
            if (next == state) {
                return next;
            }
            state = next;
        }
        listeners.forEach(l -> l.accept(next));
        return next;
    }

    /** Calls and failures in the window now, as {@code [calls, failures]}. */
    public long[] window() {
        return counts.totals(ticker.read());
    }

    /**
     * Hears every state change once. Listeners run outside the signal's lock, so two changes racing
     * on different threads may be heard out of order; {@link #state()} is always current.
     */
    public void onChange(Consumer<State> listener) {
        listeners.add(listener);
    }

    public DegradeConfig config() {
        return config;
    }

    private State evaluate() {
        long now = ticker.read();
        long calls = counts.windowTotal(now);
        if (calls <= config.minCalls()) {
            return State.NORMAL;
        }
        long failures = counts.windowFailures(now);
        return (double) failures / calls > config.errorRate() ? State.DEGRADED : State.NORMAL;
    }
}
