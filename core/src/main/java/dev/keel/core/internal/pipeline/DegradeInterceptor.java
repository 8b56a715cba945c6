package dev.keel.core.internal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.wire.json.Json;

/** While the client is degraded and a fallback model is configured, sends model calls to that model. */
final class DegradeInterceptor implements Interceptor {

    private final DegradeSignal signal;

    DegradeInterceptor(DegradeSignal signal) {
        this.signal = signal;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        String fallback = signal.config().fallbackModel();
        HttpCall call = chain.request();
        if (fallback == null || !isModelCall(call) || signal.state() != DegradeSignal.State.DEGRADED) {
            return chain.proceed(call);
        }
        ObjectNode body = (ObjectNode) Json.parse(call.body());
        body.put("model", fallback);
        return chain.proceed(call.withBody(Json.writeBytes(body)));
    }

    private static boolean isModelCall(HttpCall call) {
        return call.body() != null
                && "application/json".equals(call.contentType())
                && (call.path().startsWith("/responses") || call.path().startsWith("/chat/completions"));
    }
}
