package dev.keel.core.pipeline;

import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.ResultSource;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.policy.RetryDecision;
import java.time.Duration;
import java.util.List;

/**
 * Hears what the pipeline does, in start/end pairs: a call, and each attempt within it. Metrics are
 * one listener among others; tests use a recording one. Every method has a no-op default, so a
 * listener overrides only what it needs. Implementations must be thread-safe and fast (they run on
 * the calling thread).
 */
public interface EventListener {

    /** Hears nothing. */
    EventListener NONE = new EventListener() {};

    /** A logical call started. */
    default void callStart(CallContext call) {}

    /** A logical call succeeded. */
    default void callEnd(CallContext call, HttpResult result, Duration elapsed) {}

    /**
     * A streamed call's body ended: with its terminal event, cut, or closed by the caller first.
     * Heard exactly once per stream read with {@link dev.keel.core.api.EventStream}, after {@link
     * #callEnd} (which a stream reaches when its headers arrive), on the thread reading the stream;
     * {@code elapsed} runs from the call's start to the stream's end.
     */
    default void streamEnd(CallContext call, StreamOutcome outcome, Duration elapsed) {}

    /** A logical call failed; {@code error} says why and after how many attempts. */
    default void callFailed(CallContext call, KeelException error, Duration elapsed) {}

    /** An attempt is about to go upstream with this timeout. */
    default void attemptStart(CallContext call, Duration timeout) {}

    /**
     * The request an attempt sends, asked right after {@link #attemptStart}: a listener that must
     * add headers per attempt (e.g. a trace's {@code traceparent}) returns {@code request} with them
     * ({@link HttpCall#withHeader}); every other listener returns {@code request} as it is.
     */
    default HttpCall attemptRequest(CallContext call, HttpCall request) {
        return request;
    }

    /**
     * An attempt ended: with an answer ({@code status} > 0, any status) or without one ({@code
     * status} 0 and {@code error} set); {@code timings} is null when no request was sent.
     */
    default void attemptEnd(CallContext call, int status, KeelException error, PhaseTimings timings, String protocol) {}

    /** After a failed attempt, the retry layer decided to retry (after a delay) or to give up. */
    default void retryDecided(CallContext call, KeelException failure, RetryDecision decision) {}

    /** The circuit breaker for {@code breaker} (method, base URL, path, model) moved. */
    default void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {}

    /** The degrade signal changed state. */
    default void degradeChanged(DegradeSignal.State state) {}

    /**
     * The call's breaker refused it and a fallback answered instead ({@code source}: the last known
     * good answer or a registered fallback); {@code callEnd} follows with the partial result.
     */
    default void fallbackServed(CallContext call, ResultSource source, CircuitOpenException cause) {}

    /** Several listeners as one, called in order. */
    static EventListener of(List<EventListener> listeners) {
        EventListener[] all = listeners.toArray(new EventListener[0]); // loops, not lambdas: no allocation per event
        return new EventListener() {
            @Override
            public void callStart(CallContext c) {
                for (EventListener l : all) {
                    l.callStart(c);
                }
            }

            @Override
            public void callEnd(CallContext c, HttpResult r, Duration e) {
                for (EventListener l : all) {
                    l.callEnd(c, r, e);
                }
            }

            @Override
            public void streamEnd(CallContext c, StreamOutcome o, Duration e) {
                for (EventListener l : all) {
                    l.streamEnd(c, o, e);
                }
            }

            @Override
            public void callFailed(CallContext c, KeelException x, Duration e) {
                for (EventListener l : all) {
                    l.callFailed(c, x, e);
                }
            }

            @Override
            public void attemptStart(CallContext c, Duration t) {
                for (EventListener l : all) {
                    l.attemptStart(c, t);
                }
            }

            @Override
            public HttpCall attemptRequest(CallContext c, HttpCall r) {
                for (EventListener l : all) {
                    r = l.attemptRequest(c, r);
                }
                return r;
            }

            @Override
            public void attemptEnd(CallContext c, int s, KeelException x, PhaseTimings t, String p) {
                for (EventListener l : all) {
                    l.attemptEnd(c, s, x, t, p);
                }
            }

            @Override
            public void retryDecided(CallContext c, KeelException f, RetryDecision d) {
                for (EventListener l : all) {
                    l.retryDecided(c, f, d);
                }
            }

            @Override
            public void breakerStateChanged(String b, CircuitBreaker.State from, CircuitBreaker.State to) {
                for (EventListener l : all) {
                    l.breakerStateChanged(b, from, to);
                }
            }

            @Override
            public void degradeChanged(DegradeSignal.State s) {
                for (EventListener l : all) {
                    l.degradeChanged(s);
                }
            }

            @Override
            public void fallbackServed(CallContext c, ResultSource s, CircuitOpenException x) {
                for (EventListener l : all) {
                    l.fallbackServed(c, s, x);
                }
            }
        };
    }
}
