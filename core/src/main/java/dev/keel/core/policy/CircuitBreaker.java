package dev.keel.core.policy;

import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * One circuit breaker (per base URL, endpoint and model). CLOSED counts calls in tumbling windows
 * and opens when two consecutive windows each have at least {@code minCalls} calls and at least
 * {@code failureRate} failures (the current window is checked at each failure, so it opens as soon
 * as the second window qualifies, and never on a success); OPEN refuses every call for {@code openFor}; HALF_OPEN lets {@code
 * halfOpenProbes} calls through: a success closes it, a failure opens it again. Only failures of
 * retryable kinds (429, 5xx, timeouts, network) count as failures; the caller decides. Legal moves
 * are listed in {@link #EDGES}; any other throws. Thread-safe: each move is one locked update,
 * then one event outside the lock; asking while CLOSED reads the (volatile) state without locking.
 *
 * <p>State diagram: {@code CLOSED → OPEN → HALF_OPEN → CLOSED | OPEN}.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /** The only legal transitions. */
    static final Map<State, Set<State>> EDGES = Map.of(
            State.CLOSED, EnumSet.of(State.OPEN),
            State.OPEN, EnumSet.of(State.HALF_OPEN),
            State.HALF_OPEN, EnumSet.of(State.CLOSED, State.OPEN));

    /** Whether a call may go ahead; a probe must report back through {@link #record}. */
    public sealed interface Admission {
        /** Go ahead; {@code probe} when it is a half-open probe. */
        record Allowed(boolean probe) implements Admission {}

        /** Refused: the breaker is open (or its probes are taken) for about {@code retryIn} more. */
        record Refused(Duration retryIn) implements Admission {}
    }

    private final CircuitBreakerConfig config;
    private final Ticker ticker;
    private final List<BiConsumer<State, State>> listeners = new CopyOnWriteArrayList<>();
    private static final Admission.Allowed CALL = new Admission.Allowed(false);
    private static final Admission.Allowed PROBE = new Admission.Allowed(true);

    private volatile State state = State.CLOSED;
    private long windowIndex = Long.MIN_VALUE;
    private long calls;
    private long failures;
    private boolean previousWindowQualified;
    private long openedAt;
    private int probesOut;

    public CircuitBreaker(CircuitBreakerConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
    }

    /** Asks to make one call now (while CLOSED without taking the lock: nothing can change then). */
    public Admission tryAcquire() {
        if (state == State.CLOSED) {
            return CALL;
        }
        State[] moved = new State[2];
        Admission a;
        synchronized (this) {
            long now = ticker.read();
            if (state == State.OPEN && now - openedAt >= config.openFor().toNanos()) {
                move(State.HALF_OPEN, moved);
                probesOut = 0;
            }
            a = switch (state) {
                case CLOSED -> CALL;
                case OPEN ->
                    new Admission.Refused(Duration.ofNanos(config.openFor().toNanos() - (now - openedAt)));
                case HALF_OPEN -> probesOut < config.halfOpenProbes() ? probe() : new Admission.Refused(Duration.ZERO);
            };
        }
        fire(moved);
        return a;
    }

    private Admission probe() {
        probesOut++;
        return PROBE;
    }

    /** Reports the outcome of an allowed call; {@code failed} only for retryable-kind failures. */
    public void record(Admission.Allowed admission, boolean failed) {
        State[] moved = new State[2];
        synchronized (this) {
            if (admission.probe() && state == State.HALF_OPEN) {
                if (failed) {
                    open(moved);
                } else {
                    move(State.CLOSED, moved);
                    resetWindows();
                }
            } else if (state == State.CLOSED) {
                count(failed, moved);
            }
        }
        fire(moved);
    }

    private void count(boolean failed, State[] moved) {
        long index = Math.floorDiv(ticker.read(), config.window().toNanos());
        if (index != windowIndex) {
            previousWindowQualified = index == windowIndex + 1 && qualifies();
            windowIndex = index;
            calls = 0;
            failures = 0;
        }
        calls++;
        failures += failed ? 1 : 0;
        if (failed && previousWindowQualified && qualifies()) {
            open(moved); // only a failure trips it: a success right after the upstream heals never does
        }
    }

    private boolean qualifies() {
        return calls >= config.minCalls() && failures >= config.failureRate() * calls;
    }

    private void open(State[] moved) {
        move(State.OPEN, moved);
        openedAt = ticker.read();
        resetWindows();
    }

    private void resetWindows() {
        windowIndex = Long.MIN_VALUE;
        calls = 0;
        failures = 0;
        previousWindowQualified = false;
    }

    private void move(State to, State[] moved) {
        if (!EDGES.get(state).contains(to)) {
            throw new IllegalStateException("circuit breaker cannot go from " + state + " to " + to);
        }
        moved[0] = moved[0] == null ? state : moved[0];
        moved[1] = to;
        state = to;
    }

    private void fire(State[] moved) {
        if (moved[1] != null) {
            listeners.forEach(l -> l.accept(moved[0], moved[1]));
        }
    }

    /** The state now (an elapsed open period shows as HALF_OPEN only once a call asks). */
    public State state() {
        return state;
    }

    /** Hears every move as (from, to). */
    public void onTransition(BiConsumer<State, State> listener) {
        listeners.add(listener);
    }
}
