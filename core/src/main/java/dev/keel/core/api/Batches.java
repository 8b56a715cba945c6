package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import dev.keel.core.json.Json;

/** {@code /v1/batches}: create, retrieve, list, cancel. Thread-safe. */
public final class Batches {

    private final KeelClient client;

    public Batches(KeelClient client) {
        this.client = client;
    }

    public KeelResponse create(JsonNode body, CallOptions options) {
        return client.send(HttpCall.postJson("/batches", Json.writeBytes(body)), options);
    }

    public KeelResponse retrieve(String id, CallOptions options) {
        return client.send(HttpCall.get("/batches/" + id), options);
    }

    /** {@code GET /batches}, with a query such as {@code ?limit=20&after=batch_…}, or empty. */
    public KeelResponse list(String query, CallOptions options) {
        return client.send(HttpCall.get("/batches" + query), options);
    }

    public KeelResponse cancel(String id, CallOptions options) {
        return client.send(HttpCall.postJson("/batches/" + id + "/cancel", new byte[0]), options);
    }
}
