package dev.keel.core.internal.pipeline;

import dev.keel.core.CallOptions;
import dev.keel.core.fallback.Fallback;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.internal.http.JettyTransport;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.Deadline;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.policy.InFlightLimit;
import dev.keel.core.policy.RetryBudget;
import dev.keel.core.policy.RetryPolicy;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The one call pipeline every upstream call of every keel module goes through. Its built-in stack,
 * outermost first:
 *
 * <pre>
 * Observe        callStart / callEnd / callFailed events
 *  → Deadline    the business budget (default 30 s): refuse when none is left
 *   → InFlight   one of N permits (default 64), waiting at most the time left
 *    → Degrade   while DEGRADED, the fallback model (when configured)
 *     → Fallback  keeps the last good answer per fallback key; on CircuitOpenException a non-critical
 *                 call gets that answer or a registered fallback, flagged partial
 *      → Retry    the one retry layer: policy (kind, attempts, backoff or Retry-After within the
 *                 deadline) and retry budget; same request, same Idempotency-Key
 *       → Breaker  per (base URL, endpoint, model), checked on every attempt: open → CircuitOpenException,
 *                  no upstream call and no further retry
 *        → Attempt  timeout = min(per-call 25 s, time left); non-2xx → KeelException
 *         → Transport  identity headers, Idempotency-Key, Jetty HTTP/2
 * </pre>
 *
 * Thread-safe.
 */
public final class Pipeline {

    private static final AtomicLong CALL_IDS = new AtomicLong();

    private final List<Interceptor> stack;
    private final Duration businessTimeout;
    private final Ticker ticker;
    private final CircuitBreakerInterceptor breakers;

    /** The parts the built-in stack is assembled from. */
    public record Parts(
            JettyTransport transport,
            Map<String, String> identityHeaders,
            Duration businessTimeout,
            Duration perCallTimeout,
            InFlightLimit inFlight,
            DegradeSignal degrade,
            RetryPolicy retryPolicy,
            RetryBudget retryBudget,
            CircuitBreakerConfig breaker,
            Fallback fallback,
            Sleeper sleeper,
            RandomGenerator random,
            EventListener listener,
            Ticker ticker,
            InstantSource clock) {}

    private Pipeline(List<Interceptor> stack, Duration businessTimeout, Ticker ticker) {
        this.stack = List.copyOf(stack);
        this.breakers = stack.stream()
                .filter(CircuitBreakerInterceptor.class::isInstance)
                .map(CircuitBreakerInterceptor.class::cast)
                .findFirst()
                .orElseThrow();
        this.businessTimeout = businessTimeout;
        this.ticker = ticker;
    }

    /** The built-in stack, in the order of the class comment. */
    public static Pipeline builtIn(Parts p) {
        return new Pipeline(
                List.of(
                        new ObserveInterceptor(p.listener(), p.ticker()),
                        new DeadlineInterceptor(),
                        new InFlightInterceptor(p.inFlight()),
                        new DegradeInterceptor(p.degrade()),
                        new FallbackInterceptor(p.fallback(), p.listener()),
                        new RetryInterceptor(p.retryPolicy(), p.retryBudget(), p.sleeper(), p.random(), p.listener()),
                        new CircuitBreakerInterceptor(
                                p.transport().baseUrl().toString(), p.breaker(), p.ticker(), p.listener()),
                        new AttemptInterceptor(p.perCallTimeout(), p.listener(), p.clock()),
                        new TransportInterceptor(p.transport(), p.identityHeaders())),
                p.businessTimeout(),
                p.ticker());
    }

    /**
     * The circuit breakers made so far (one per base URL, endpoint and model called), by name, with
     * their state now; a route never called has none yet, which counts as closed.
     */
    public Map<String, dev.keel.core.policy.CircuitBreaker.State> breakerStates() {
        return breakers.states();
    }

    /**
     * Runs one logical call.
     *
     * @return a 2xx answer; for a stream, close it when done
     * @throws dev.keel.core.error.KeelException for every failure, with its kind
     */
    public HttpResult execute(HttpCall call, CallOptions options) {
        Duration budget = options.budget() != null ? options.budget() : businessTimeout;
        var context = new CallContext(
                CALL_IDS.incrementAndGet(), call, options, Deadline.after(budget, ticker), budget, 0, null);
        return new RealChain(stack, 0, call, context).proceed(call);
    }
}
