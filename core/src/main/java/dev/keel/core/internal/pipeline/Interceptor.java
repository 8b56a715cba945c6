package dev.keel.core.internal.pipeline;

import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;

/**
 * One layer of the call pipeline: it may act before and after the layers below, change the request,
 * or answer without calling down. Implementations are thread-safe and keep per-call state in locals,
 * never in fields.
 */
@FunctionalInterface
public interface Interceptor {

    /**
     * Handles the call at this layer.
     *
     * @return a successful (2xx) answer
     * @throws dev.keel.core.error.KeelException for any failure
     */
    HttpResult intercept(Chain chain);

    /** The rest of the pipeline, as seen from one layer. Immutable. */
    interface Chain {
        /** The request as it reaches this layer. */
        HttpCall request();

        /** The call's context as it reaches this layer. */
        CallContext context();

        /** Passes the request to the next layer. */
        HttpResult proceed(HttpCall request);

        /** Passes the request and a changed context to the next layer. */
        HttpResult proceed(HttpCall request, CallContext context);
    }
}
