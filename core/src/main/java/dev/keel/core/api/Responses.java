package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import dev.keel.wire.json.Json;

/** {@code /v1/responses}: create, stream and retrieve; JSON in, JSON out. Thread-safe. */
public final class Responses {

    private final Caller client;

    public Responses(Caller client) {
        this.client = client;
    }

    /** {@code POST /responses}. @throws dev.keel.core.error.KeelException on any failure */
    public KeelResponse create(JsonNode body, CallOptions options) {
        return client.send(HttpCall.postJson("/responses", Json.writeBytes(body)), options);
    }

    /**
     * {@code POST /responses} with {@code stream: true}: the events as they arrive. Close the stream
     * (try-with-resources) to give back its connection and in-flight permit.
     */
    public EventStream stream(JsonNode body, CallOptions options) {
        var streaming = ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).put("stream", true);
        var call = HttpCall.postJson("/responses", Json.writeBytes(streaming)).asStream();
        return EventStream.of(client.execute(call, options), EventStream.Terminal.RESPONSES);
    }

    /** {@code GET /responses/{id}}. */
    public KeelResponse retrieve(String id, CallOptions options) {
        return client.send(HttpCall.get("/responses/" + id), options);
    }
}
