package dev.keel.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.ResultSource;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A successful answer with its metadata: status, request id, protocol, attempts, the last attempt's
 * phase timings, the response headers, and where it came from — {@link #partial()} when a fallback
 * served it while the circuit breaker was open (then protocol, request id and timings are null).
 * Immutable.
 *
 * @param headers the response headers by lower-case name ({@code x-request-id}, {@code
 *     x-ratelimit-*}, {@code openai-processing-ms}, …); empty when none were kept
 */
public record KeelResponse(
        int status,
        byte[] body,
        String requestId,
        String protocol,
        int attempts,
        PhaseTimings timings,
        ResultSource source,
        Map<String, List<String>> headers) {

    public KeelResponse {
        if (source == null) {
            source = ResultSource.UPSTREAM;
        }
        if (headers == null) {
            headers = Map.of();
        }
    }

    /** An answer without headers. */
    public KeelResponse(
            int status,
            byte[] body,
            String requestId,
            String protocol,
            int attempts,
            PhaseTimings timings,
            ResultSource source) {
        this(status, body, requestId, protocol, attempts, timings, source, Map.of());
    }

    /** An answer from the upstream, without headers. */
    public KeelResponse(
            int status, byte[] body, String requestId, String protocol, int attempts, PhaseTimings timings) {
        this(status, body, requestId, protocol, attempts, timings, ResultSource.UPSTREAM, Map.of());
    }

    /** The answer of a call; its headers are the result's own immutable view, not copied. */
    public static KeelResponse of(HttpResult r) {
        return new KeelResponse(
                r.status(), r.body(), r.requestId(), r.protocol(), r.attempts(), r.timings(), r.source(), r.headers());
    }

    /** The first value of response header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * Whether this is not the upstream's answer to this call but a fallback's (the last known good
     * answer, or the caller's registered fallback) served while the breaker was open: tell the user
     * the result may be partial or stale.
     */
    public boolean partial() {
        return source.partial();
    }

    /**
     * The body as JSON.
     *
     * @throws KeelException of kind {@link ErrorKind#MALFORMED_RESPONSE} when it is not JSON
     */
    public JsonNode json() {
        try {
            return Json.parse(body);
        } catch (JsonSyntaxException e) {
            throw KeelException.of(
                            ErrorKind.MALFORMED_RESPONSE,
                            "the upstream answered " + status + " with a body that is not JSON (" + e.getMessage()
                                    + ")")
                    .status(status)
                    .requestId(requestId)
                    .attempts(attempts)
                    .cause(e)
                    .build();
        }
    }

    /**
     * The text of a Responses API answer, as the official SDKs' {@code output_text}: the {@code text}
     * of every {@code output_text} content part of every {@code message} item in {@code output},
     * concatenated in order; the empty string when there is none (a body of another shape, an answer
     * holding only tool calls or reasoning). A refusal is not output text: an answer the model refused
     * gives the empty string, and its {@code refusal} content part is in {@link #json()} ({@code
     * output[].content[]} with {@code type: refusal}); an {@code incomplete} answer gives what text it
     * has, so check {@code status} where a cut-off text matters.
     *
     * @throws KeelException of kind {@link ErrorKind#MALFORMED_RESPONSE} when the body is not JSON
     */
    public String outputText() {
        var text = new StringBuilder();
        for (JsonNode item : json().path("output")) {
            if (!"message".equals(item.path("type").asText())) {
                continue;
            }
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) {
                    text.append(part.path("text").asText(""));
                }
            }
        }
        return text.toString();
    }

    /** {@code attempts=1 status=200 protocol=HTTP/2.0 request_id=… queued=… …}: one line for logs and the CLI. */
    public String summary() {
        if (partial()) {
            return "attempts=" + attempts + " status=" + status + " served="
                    + source.name().toLowerCase(java.util.Locale.ROOT) + " partial=true";
        }
        return "attempts=" + attempts + " status=" + status + " protocol=" + protocol + " request_id=" + requestId + " "
                + (timings == null ? "" : timings.summary());
    }
}
