package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import dev.keel.wire.json.Json;

/** {@code /v1/batches}: create, retrieve, list, cancel. Thread-safe. */
public final class Batches {

    private final Caller client;

    public Batches(Caller client) {
        this.client = client;
    }

    public KeelResponse create(JsonNode body, CallOptions options) {
        return client.send(HttpCall.postJson("/batches", Json.writeBytes(body)), options);
    }

    public KeelResponse retrieve(String id, CallOptions options) {
        return client.send(HttpCall.get("/batches/" + id), options);
    }

    /** {@code GET /batches}: one page, newest first, e.g. {@code list(BatchListParams.all().withLimit(100), options)}. */
    public KeelResponse list(BatchListParams params, CallOptions options) {
        return client.send(HttpCall.get("/batches" + params.query()), options);
    }

    /**
     * Every batch, newest first, page after page ({@code has_more}/{@code after}) as iteration
     * reaches them, at most {@link ListPages#DEFAULT_MAX_PAGES} pages.
     */
    public ListPages listAll(BatchListParams params, CallOptions options) {
        return listAll(params, options, ListPages.DEFAULT_MAX_PAGES);
    }

    /** As {@link #listAll(BatchListParams, CallOptions)}, reading at most {@code maxPages} pages. */
    public ListPages listAll(BatchListParams params, CallOptions options, int maxPages) {
        return new ListPages(
                "GET /batches" + params.withAfter(null).query(),
                after -> list(params.withAfter(after), options),
                params.after(),
                maxPages);
    }

    public KeelResponse cancel(String id, CallOptions options) {
        return client.send(HttpCall.postJson("/batches/" + id + "/cancel", new byte[0]), options);
    }
}
