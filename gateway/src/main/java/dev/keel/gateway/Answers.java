package dev.keel.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.error.KeelException;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the gateway's answers: the upstream's (status, headers minus hop-by-hop ones, body) and
 * the gateway's own refusals, each with keel's headers. Stateless and thread-safe.
 */
final class Answers {

    /** The upstream's request id, or one the gateway made for an answer that never went upstream. */
    static final String REQUEST_ID = "x-request-id";
    /** How many upstream attempts keel made for this call. */
    static final String ATTEMPTS = "x-keel-attempts";
    /** The gateway's own time for this call, in ms: before the answer's headers, minus upstream waiting. */
    static final String OVERHEAD = "x-keel-overhead-ms";
    /** On a request that was a client's own retry: turn them off, the gateway retries already. */
    static final String CLIENT_RETRIES = "x-keel-client-retries";
    /** On an answer replayed from the idempotency store. */
    static final String REPLAYED = "x-keel-idempotent-replay";
    /** The official SDKs' switch: {@code false} stops their own retries. */
    static final String SHOULD_RETRY = "x-should-retry";

    private static final Set<String> HOP_BY_HOP = Set.of(
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "content-encoding",
            "date",
            "server",
            "upgrade",
            "proxy-connection",
            "te",
            "trailer");

    private Answers() {}

    /** Copies the upstream's headers that belong to the answer (not hop-by-hop ones). */
    static void upstreamHeaders(Exchange ex, Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("content-type")) {
                if (!values.isEmpty()) {
                    ex.contentType(values.get(0)); // replaces the server's default, never a second header
                }
            } else if (!HOP_BY_HOP.contains(n) && !n.startsWith(":")) {
                for (String v : values) {
                    ex.addHeader(name, v);
                }
            }
        });
    }

    static void body(Exchange ex, byte[] body) throws IOException {
        ex.send(body);
    }

    /** The gateway's own refusal, OpenAI-shaped. */
    static void refusal(Exchange ex, Refusal r) throws IOException {
        ex.status(r.status());
        ex.contentType("application/json");
        if (r.retryAfter() != null) {
            long seconds = Math.max(1, (r.retryAfter().toMillis() + 999) / 1000);
            ex.setHeader("Retry-After", Long.toString(seconds));
            ex.setHeader(
                    "retry-after-ms", Long.toString(Math.max(1, r.retryAfter().toMillis())));
        } else {
            ex.setHeader(SHOULD_RETRY, "false");
        }
        body(ex, Json.write(r.body()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * keel's verdict for a call that got no upstream answer (breaker open, deadline, overload, the
     * upstream unreachable), OpenAI-shaped.
     */
    static Refusal rejection(KeelException e) {
        String detail = e.getMessage() == null ? e.kind().name() : e.getMessage();
        return switch (e.kind()) {
            case CIRCUIT_OPEN ->
                new Refusal(
                        503,
                        "server_error",
                        "keel_circuit_open",
                        "The upstream is failing and keel's circuit breaker is open; no call was made. " + detail,
                        "circuit_open",
                        e.retryAfter() != null ? e.retryAfter() : java.time.Duration.ofSeconds(5));
            case DEADLINE_EXCEEDED ->
                new Refusal(504, "server_error", "keel_deadline_exceeded", detail, "deadline", null);
            case IN_FLIGHT_LIMIT ->
                new Refusal(
                        503, "server_error", "keel_overloaded", detail, "in_flight", java.time.Duration.ofSeconds(1));
            default ->
                new Refusal(
                        502,
                        "server_error",
                        "keel_upstream_unavailable",
                        "keel could not get an answer from the upstream after " + e.attempts() + " attempt(s): "
                                + detail,
                        "upstream_unavailable",
                        null);
        };
    }

    /** The SSE event that ends a cut stream: an error, never a clean end. */
    static byte[] streamCutEvent(String message) {
        ObjectNode err = Json.object();
        err.put("message", message);
        err.put("type", "server_error");
        err.putNull("param");
        err.put("code", "keel_stream_truncated");
        ObjectNode event = Json.object();
        event.put("type", "error");
        event.put("code", "keel_stream_truncated");
        event.put("message", message);
        event.putNull("param");
        event.set("error", err);
        return ("event: error\ndata: " + Json.write(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code 0.123}: milliseconds with three decimals. */
    static String millis(long nanos) {
        // On every answer: integer arithmetic, not String.format (which showed in the per-call profile).
        long micros = (Math.abs(nanos) + 500) / 1000; // half up, as %.3f rounds
        long frac = micros % 1000;
        return (nanos < 0 ? "-" : "") + micros / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }
}
