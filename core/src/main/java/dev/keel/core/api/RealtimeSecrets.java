package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import dev.keel.wire.json.Json;

/** {@code POST /v1/realtime/client_secrets} (GA): ephemeral {@code ek_…} keys for realtime sessions. Thread-safe. */
public final class RealtimeSecrets {

    private final Caller client;

    public RealtimeSecrets(Caller client) {
        this.client = client;
    }

    public KeelResponse create(JsonNode body, CallOptions options) {
        return client.send(HttpCall.postJson("/realtime/client_secrets", Json.writeBytes(body)), options);
    }
}
