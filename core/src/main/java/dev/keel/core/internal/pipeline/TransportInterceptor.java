package dev.keel.core.internal.pipeline;

import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.internal.http.JettyTransport;
import java.time.Duration;
import java.util.Map;

/**
 * Bottom of the stack: adds the identity headers (auth, organization, project, idempotency key) and
 * runs the attempt on the transport with the timeout the attempt layer chose for it.
 */
final class TransportInterceptor implements Interceptor {

    private final JettyTransport transport;
    private final Map<String, String> identity;

    TransportInterceptor(JettyTransport transport, Map<String, String> identity) {
        this.transport = transport;
        this.identity = Map.copyOf(identity);
    }

    @Override
    public HttpResult intercept(Chain chain) {
        HttpCall call = chain.request();
        String key = chain.context().options().idempotencyKey();
        if (key != null) {
            call = call.withHeader("Idempotency-Key", key);
        }
        Duration timeout = chain.context().attemptTimeout();
        return call.streaming() ? transport.open(call, identity, timeout) : transport.execute(call, identity, timeout);
    }
}
