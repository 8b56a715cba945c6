package dev.keel.core.internal.pipeline;

import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.internal.json.JsonScan;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.CircuitBreaker.Admission;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.wire.time.Ticker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the breaker for (base URL, endpoint, model) before every attempt: open means {@link
 * CircuitOpenException} and no upstream call (and, that kind not being retryable, no further
 * retry); afterwards it reports whether the attempt failed in a retryable way. The model is read
 * from the JSON body's top level by a scan (no parse), and the breaker is found by a (method, path,
 * model) key without building its name, so the check costs little on every attempt.
 */
final class CircuitBreakerInterceptor implements Interceptor {

    /**
     * What a breaker guards; its name is built once, when the breaker is. Equality is written out
     * rather than generated: it runs on every attempt.
     */
    private record Route(String method, String path, String model) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Route r
                    && path.equals(r.path)
                    && method.equals(r.method)
                    && java.util.Objects.equals(model, r.model);
        }

        @Override
        public int hashCode() {
            return (path.hashCode() * 31 + method.hashCode()) * 31 + (model == null ? 0 : model.hashCode());
        }
    }

    /** A breaker and the name it is known by in events and errors. */
    private record Named(String name, CircuitBreaker breaker) {}

    private final String baseUrl;
    private final CircuitBreakerConfig config;
    private final Ticker ticker;
    private final EventListener listener;
    private final Map<Route, Named> breakers = new ConcurrentHashMap<>();

    CircuitBreakerInterceptor(String baseUrl, CircuitBreakerConfig config, Ticker ticker, EventListener listener) {
        this.baseUrl = baseUrl;
        this.config = config;
        this.ticker = ticker;
        this.listener = listener;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        Route route = route(chain.request());
        Named named = breakers.get(route);
        if (named == null) {
            named = breakers.computeIfAbsent(route, this::newBreaker);
        }
        CircuitBreaker breaker = named.breaker();
        Admission admission = breaker.tryAcquire();
        if (admission instanceof Admission.Refused refused) {
            throw new CircuitOpenException(
                    named.name(), refused.retryIn(), chain.context().attempt());
        }
        var allowed = (Admission.Allowed) admission;
        try {
            HttpResult result = chain.proceed(chain.request());
            breaker.record(allowed, false);
            return result;
        } catch (KeelException e) {
            breaker.record(allowed, e.kind().retryable());
            throw e;
        }
    }

    /** Every breaker made so far, by name, with its state now. */
    java.util.Map<String, CircuitBreaker.State> states() {
        var out = new java.util.TreeMap<String, CircuitBreaker.State>();
        breakers.values().forEach(n -> out.put(n.name(), n.breaker().state()));
        return out;
    }

    private Named newBreaker(Route route) {
        String name =
                route.method() + " " + baseUrl + route.path() + (route.model() == null ? "" : " " + route.model());
        var b = new CircuitBreaker(config, ticker);
        b.onTransition((from, to) -> listener.breakerStateChanged(name, from, to));
        return new Named(name, b);
    }

    /** {@code POST /responses gpt-4.1-mini}: the path without its query, the model from the body's top level. */
    private static Route route(HttpCall call) {
        String path = call.path();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String model = "application/json".equals(call.contentType()) ? JsonScan.string(call.body(), "model") : null;
        return new Route(call.method(), path, model);
    }
}
