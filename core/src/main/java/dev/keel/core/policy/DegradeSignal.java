package dev.keel.core.policy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The soft alarm below the circuit breaker: {@code DEGRADED} while, over the last minute, more than
 * 100 calls were made and more than 20 % of them failed (both conditions; see {@link
 * DegradeConfig}). Callers read {@link #state()} or subscribe to changes to switch model tier or
 * lower concurrency. Counts live in one-second buckets on an injected {@link Ticker}. Thread-safe.
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
    private State state = State.NORMAL;

    public DegradeSignal(DegradeConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        this.counts = new SlidingCounts(config.window(), Duration.ofSeconds(1));
    }

    /** Records one finished call and re-evaluates; listeners hear about a change once. */
    public void record(boolean failed) {
        State next;
        synchronized (this) {
            counts.add(ticker.read(), failed);
            next = evaluate();
            if (next == state) {
                return;
            }
            state = next;
        }
        listeners.forEach(l -> l.accept(next));
    }

    /** The state now (re-evaluated, so an old burst ages out even without new calls). */
    public State state() {
        State now;
        synchronized (this) {
            now = evaluate();
            if (now == state) {
                return now;
            }
            state = now;
        }
        listeners.forEach(l -> l.accept(now));
        return now;
    }

    /** Calls and failures in the window now, as {@code [calls, failures]}. */
    public synchronized long[] window() {
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
        long[] t = counts.totals(ticker.read());
        boolean enough = t[0] > config.minCalls();
        boolean failing = t[0] > 0 && (double) t[1] / t[0] > config.errorRate();
        return enough && failing ? State.DEGRADED : State.NORMAL;
    }
}
