package dev.keel.core.api;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;

/**
 * What an endpoint view calls through: one call through a client's pipeline. {@code KeelClient} is
 * the one implementation; the views see only this, so they never call back into the client that
 * made them. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Caller {

    /**
     * Runs one call through the pipeline.
     *
     * @return a 2xx answer; for a streaming call, a stream to read and close
     * @throws dev.keel.core.error.KeelException for every failure
     */
    HttpResult execute(HttpCall call, CallOptions options);

    /**
     * A buffered call's successful answer as a {@link KeelResponse}.
     *
     * @throws dev.keel.core.error.KeelException for every failure
     */
    default KeelResponse send(HttpCall call, CallOptions options) {
        return KeelResponse.of(execute(call, options));
    }
}
