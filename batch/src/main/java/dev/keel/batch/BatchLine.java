package dev.keel.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.Objects;

/**
 * One request line of a Batch API input file: exactly {@code custom_id}, {@code method}, {@code
 * url} and {@code body}, the body passed through unchanged.
 */
public record BatchLine(String customId, String method, String url, JsonNode body) {

    /** @throws IllegalArgumentException if a field is missing */
    public BatchLine {
        if (customId == null || customId.isBlank()) {
            throw new IllegalArgumentException("custom_id must not be blank");
        }
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
    }

    /** A {@code POST} line. */
    public static BatchLine post(String customId, String url, JsonNode body) {
        return new BatchLine(customId, "POST", url, body);
    }

    /** The body's {@code model}, or an empty string. */
    public String model() {
        return body.path("model").asText("");
    }

    /** The line as one line of JSONL (no newline), properties in OpenAI's order. */
    public String toJsonLine() {
        ObjectNode o = Json.object();
        o.put("custom_id", customId);
        o.put("method", method);
        o.put("url", url);
        o.set("body", body);
        return Json.write(o);
    }
}
