package dev.keel.core.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.json.Json;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.CircuitBreaker.Admission;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.Ticker;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the breaker for (base URL, endpoint, model) before every attempt: open means {@link
 * CircuitOpenException} and no upstream call (and, that kind not being retryable, no further
 * retry); afterwards it reports whether the attempt failed in a retryable way.
 */
final class CircuitBreakerInterceptor implements Interceptor {

    private final String baseUrl;
    private final CircuitBreakerConfig config;
    private final Ticker ticker;
    private final EventListener listener;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    CircuitBreakerInterceptor(String baseUrl, CircuitBreakerConfig config, Ticker ticker, EventListener listener) {
        this.baseUrl = baseUrl;
        this.config = config;
        this.ticker = ticker;
        this.listener = listener;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        String key = key(chain.request());
        CircuitBreaker breaker = breakers.computeIfAbsent(key, this::newBreaker);
        Admission admission = breaker.tryAcquire();
        if (admission instanceof Admission.Refused refused) {
            throw new CircuitOpenException(
                    key, refused.retryIn(), chain.context().attempt());
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

    private CircuitBreaker newBreaker(String key) {
        var b = new CircuitBreaker(config, ticker);
        b.onTransition((from, to) -> listener.breakerStateChanged(key, from, to));
        return b;
    }

    /** {@code POST https://…/v1/responses gpt-4.1-mini}: the model read from the JSON body's top level. */
    private String key(HttpCall call) {
        String path =
                call.path().contains("?") ? call.path().substring(0, call.path().indexOf('?')) : call.path();
        String model = "application/json".equals(call.contentType()) ? model(call.body()) : null;
        return call.method() + " " + baseUrl + path + (model == null ? "" : " " + model);
    }

    private static String model(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("model") && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
