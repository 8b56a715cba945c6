package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The input items of a stored response, as {@code GET /v1/responses/{id}/input_items} lists them:
 * a string input becomes one user message with an {@code input_text} part; a message whose content
 * is a string gets one text part ({@code output_text} for the assistant); every item gets an id
 * (kept when the request gave one) and {@code status: completed}. Stateless and thread-safe.
 */
final class InputItems {

    static final int MAX_LIMIT = 100;

    /** The spec's {@code IncludeEnum}. */
    static final Set<String> INCLUDABLE = Set.of(
            "file_search_call.results",
            "web_search_call.results",
            "web_search_call.action.sources",
            "message.input_image.image_url",
            "computer_call_output.output.image_url",
            "code_interpreter_call.outputs",
            "reasoning.encrypted_content",
            "message.output_text.logprobs");

    private InputItems() {}

    /** The items of a request's {@code input}, in the order sent. */
    static ArrayNode of(JsonNode input) {
        ArrayNode out = Json.array();
        if (input == null || input.isNull()) {
            return out;
        }
        if (input.isTextual()) {
            out.add(message("user", input));
            return out;
        }
        for (JsonNode item : input) {
            out.add(item(item));
        }
        return out;
    }

    private static ObjectNode item(JsonNode item) {
        String type = item.path("type").asText("message");
        if (type.equals("message")) {
            ObjectNode m = message(item.path("role").asText("user"), item.path("content"));
            if (item.path("id").isTextual()) {
                m.put("id", item.get("id").asText());
            }
            return m;
        }
        ObjectNode copy = item.isObject() ? ((ObjectNode) item).deepCopy() : Json.object();
        if (!copy.path("id").isTextual()) {
            copy.put("id", Ids.hex(prefix(type)));
        }
        if (!copy.has("status")) {
            copy.put("status", "completed");
        }
        return copy;
    }

    private static ObjectNode message(String role, JsonNode content) {
        ObjectNode m = Json.object();
        m.put("id", Ids.hex("msg_"));
        m.put("type", "message");
        m.put("role", role);
        m.put("status", "completed");
        if (content.isArray()) {
            m.set("content", content.deepCopy());
        } else {
            ObjectNode part = m.putArray("content").addObject();
            boolean assistant = role.equals("assistant");
            part.put("type", assistant ? "output_text" : "input_text");
            part.put("text", content.asText(""));
            if (assistant) {
                part.putArray("annotations");
                part.putArray("logprobs");
            }
        }
        return m;
    }

    private static String prefix(String type) {
        return switch (type) {
            case "function_call" -> "fc_";
            case "function_call_output" -> "fco_";
            case "reasoning" -> "rs_";
            default -> "item_";
        };
    }

    /**
     * A page of {@code items}: {@code order} {@code desc} (the default) lists the newest first.
     *
     * @throws ApiException 400 for a limit outside 1–100, an unknown order or include value
     */
    static ObjectNode page(ArrayNode items, Integer limit, String order, String after, List<String> include) {
        int n = limit == null ? 20 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiException.invalid(
                    "Invalid 'limit': integer " + (n < 1 ? "below minimum" : "above maximum") + " value. Expected a"
                            + " value " + (n < 1 ? ">= 1" : "<= " + MAX_LIMIT) + ", but got " + n + " instead.",
                    "limit",
                    n < 1 ? "integer_below_min_value" : "integer_above_max_value");
        }
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiException.invalid(
                    "Invalid value: '" + order + "'. Supported values are: 'asc' and 'desc'.",
                    "order",
                    "invalid_value");
        }
        for (String value : include) {
            if (!INCLUDABLE.contains(value)) {
                throw ApiException.invalid(
                        "Invalid value: '" + value + "'. Supported values are: "
                                + String.join(
                                        ", ",
                                        INCLUDABLE.stream()
                                                .sorted()
                                                .map(v -> "'" + v + "'")
                                                .toList())
                                + ".",
                        "include",
                        "invalid_value");
            }
        }
        List<ObjectNode> ordered = new ArrayList<>();
        items.forEach(i -> ordered.add((ObjectNode) i));
        if (!"asc".equals(order)) {
            Collections.reverse(ordered);
        }
        return FileStore.Page.of(ordered, n, after);
    }
}
