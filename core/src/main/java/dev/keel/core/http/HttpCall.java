package dev.keel.core.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One request to the upstream, relative to the client's base URL. Immutable.
 *
 * @param method {@code GET}, {@code POST} or {@code DELETE}
 * @param path the path under the base URL, e.g. {@code /responses}, with any query
 * @param headers extra headers (auth and identity headers are added by the client)
 * @param contentType the body's media type, or null without a body
 * @param body the body bytes, or null; bytes are never mutated, so a retry re-sends the same body
 * @param streaming whether the answer is read as a stream (server-sent events)
 * @param replayable whether the request may be sent again: false for a body its producer can give
 *     only once (the official SDK's non-repeatable bodies), which the retry layer then never retries
 */
public record HttpCall(
        String method,
        String path,
        Map<String, String> headers,
        String contentType,
        byte[] body,
        boolean streaming,
        boolean replayable) {

    public HttpCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
    }

    /** A call that may be sent again (every call keel makes itself). */
    public HttpCall(
            String method,
            String path,
            Map<String, String> headers,
            String contentType,
            byte[] body,
            boolean streaming) {
        this(method, path, headers, contentType, body, streaming, true);
    }

    public static HttpCall get(String path) {
        return new HttpCall("GET", path, Map.of(), null, null, false);
    }

    public static HttpCall delete(String path) {
        return new HttpCall("DELETE", path, Map.of(), null, null, false);
    }

    public static HttpCall postJson(String path, byte[] json) {
        return new HttpCall("POST", path, Map.of(), "application/json", json, false);
    }

    /** The same call read as a stream. */
    public HttpCall asStream() {
        return new HttpCall(method, path, headers, contentType, body, true, replayable);
    }

    /** The same call with one more header. */
    public HttpCall withHeader(String name, String value) {
        var h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpCall(method, path, h, contentType, body, streaming, replayable);
    }

    /** The same call with another body (e.g. a rewritten model). */
    public HttpCall withBody(byte[] newBody) {
        return new HttpCall(method, path, headers, contentType, newBody, streaming, replayable);
    }

    /** The same call, never sent again: the retry layer gives up after its first attempt. */
    public HttpCall notReplayable() {
        return new HttpCall(method, path, headers, contentType, body, streaming, false);
    }

    /** {@code METHOD path}, for messages. */
    public String describe() {
        return method + " " + path;
    }
}
