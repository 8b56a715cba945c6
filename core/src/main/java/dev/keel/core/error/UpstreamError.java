package dev.keel.core.error;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * What the upstream said in an answer keel treats as a failure: the error body's {@code message},
 * {@code type}, {@code param} and {@code code}, read from the shapes OpenAI-compatible servers use,
 * and the body itself as text (its first {@value #MAX_RAW_CHARS} characters), whatever its shape —
 * an OpenAI error, problem+json, plain text. Immutable.
 *
 * <p>Shapes read, first match wins: OpenAI's {@code {"error": {"message", "type", "param",
 * "code"}}}; {@code {"error": "text"}} (Ollama, LiteLLM); a top-level {@code message} with {@code
 * type}/{@code param}/{@code code} beside it (vLLM); problem+json's {@code title} and {@code detail}
 * (RFC 9457) as the message. A numeric {@code code} is kept as its text.
 *
 * @param message the upstream's message, or null when it gave none
 * @param type the error's {@code type} (e.g. {@code invalid_request_error}), or null
 * @param param the request field the error is about, or null
 * @param code the error's {@code code} (e.g. {@code rate_limit_exceeded}), or null
 * @param rawBody the body as text, cut to {@value #MAX_RAW_CHARS} characters; null when empty
 * @param openAiShaped whether the body was an OpenAI {@code {"error": {...}}} object
 */
public record UpstreamError(
        String message, String type, String param, String code, String rawBody, boolean openAiShaped)
        implements Serializable {

    /** How much of a body is kept. */
    public static final int MAX_RAW_CHARS = 8192;

    /** How much of a body a message shows when the upstream gave no message. */
    static final int MESSAGE_CHARS = 200;

    /** Reads a body (any bytes, possibly empty or null). */
    public static UpstreamError of(byte[] body) {
        String raw = body == null || body.length == 0 ? null : text(body);
        JsonNode json = parse(body);
        if (json == null || !json.isObject()) {
            return new UpstreamError(null, null, null, null, raw, false);
        }
        JsonNode error = json.get("error");
        if (error != null && error.isObject()) {
            return fields(error, raw, true);
        }
        if (error != null && error.isTextual()) {
            return new UpstreamError(error.asText(), null, null, null, raw, false);
        }
        if (json.path("message").isTextual()) {
            return fields(json, raw, false);
        }
        return new UpstreamError(problem(json), null, null, null, raw, false);
    }

    /**
     * For a message: the upstream's message, else the start of its body on one line, else that the
     * body was empty. Never {@code (no message)} when the upstream said something.
     */
    public String describe() {
        if (message != null && !message.isBlank()) {
            return message;
        }
        if (rawBody == null || rawBody.isBlank()) {
            return "(empty body)";
        }
        String flat = rawBody.strip().replaceAll("\\s+", " ");
        return flat.length() <= MESSAGE_CHARS ? flat : flat.substring(0, MESSAGE_CHARS) + "…";
    }

    private static UpstreamError fields(JsonNode e, String raw, boolean openAi) {
        return new UpstreamError(
                string(e.get("message")),
                string(e.get("type")),
                string(e.get("param")),
                string(e.get("code")),
                raw,
                openAi);
    }

    /** problem+json: {@code title: detail}, either alone, or null. */
    private static String problem(JsonNode json) {
        String title = string(json.get("title"));
        String detail = string(json.get("detail"));
        if (title != null && detail != null) {
            return title + ": " + detail;
        }
        return title != null ? title : detail;
    }

    private static String string(JsonNode v) {
        return v != null && (v.isTextual() || v.isNumber()) && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (JsonSyntaxException notJson) {
            return null;
        }
    }

    private static String text(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, MAX_RAW_CHARS * 4), StandardCharsets.UTF_8);
        return s.length() <= MAX_RAW_CHARS ? s : s.substring(0, MAX_RAW_CHARS);
    }
}
