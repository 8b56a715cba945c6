package dev.keel.core.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.internal.json.JsonScan;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * What an answer says about itself that traces and metrics record: its {@code id}, {@code model},
 * served {@code service_tier} and {@code usage} — never its output. Read from a buffered body by
 * {@link JsonScan} (only the {@code usage} object is parsed) or from a stream's already parsed
 * terminal object. Immutable.
 *
 * @param id the answer's {@code id}, or null
 * @param model the model that answered, or null
 * @param serviceTier the tier that served it, or null
 * @param usage its token usage, or null when it states none
 */
public record GenAiResponse(String id, String model, String serviceTier, TokenUsage usage) {

    /** Reads a buffered JSON answer; a body that is not a JSON object reads as all null. */
    public static GenAiResponse of(byte[] body) {
        if (body == null || body.length == 0) {
            return new GenAiResponse(null, null, null, null);
        }
        TokenUsage usage = null;
        long range = JsonScan.memberFromEnd(body, "usage");
        if (range >= 0 && body[JsonScan.start(range)] == '{') {
            int start = JsonScan.start(range);
            usage = TokenUsage.fromJson(
                    Json.parse(new String(body, start, JsonScan.end(range) - start, StandardCharsets.UTF_8)));
        }
        return new GenAiResponse(
                JsonScan.string(body, "id"),
                JsonScan.string(body, "model"),
                JsonScan.string(body, "service_tier"),
                usage);
    }

    /** Reads a stream's terminal object (a Responses {@code response} or a Chat usage chunk); null reads as all null. */
    public static GenAiResponse of(JsonNode billed) {
        if (billed == null || !billed.isObject()) {
            return new GenAiResponse(null, null, null, null);
        }
        JsonNode usage = billed.get("usage");
        return new GenAiResponse(
                text(billed, "id"),
                text(billed, "model"),
                text(billed, "service_tier"),
                usage != null && usage.isObject() ? TokenUsage.fromJson(usage) : null);
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
