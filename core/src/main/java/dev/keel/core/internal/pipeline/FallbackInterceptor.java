package dev.keel.core.internal.pipeline;

import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.fallback.Fallback;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import java.util.Optional;

/**
 * Above the retry layer: keeps each successful answer under the call's fallback key, and when the
 * layers below end in {@link CircuitOpenException} (the breaker refused an attempt, so no upstream
 * call was made), answers a non-critical call from the {@link Fallback} — the last known good answer,
 * else a registered fallback — flagged partial. A call nothing answers fails with the breaker's
 * error as before.
 */
final class FallbackInterceptor implements Interceptor {

    private final Fallback fallback;
    private final EventListener listener;

    FallbackInterceptor(Fallback fallback, EventListener listener) {
        this.fallback = fallback;
        this.listener = listener;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        CallContext c = chain.context();
        if (!fallback.concerns(c.options())) {
            return chain.proceed(chain.request());
        }
        HttpResult result;
        try {
            result = chain.proceed(chain.request());
        } catch (CircuitOpenException open) {
            Optional<HttpResult> served = fallback.serve(chain.request(), c.options());
            if (served.isEmpty()) {
                throw open;
            }
            listener.fallbackServed(c, served.get().source(), open);
            return served.get().withAttempts(open.attempts());
        }
        fallback.remember(c.options(), result);
        return result;
    }
}
