package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.wire.json.Json;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code previous_response_id}: the conversation items (input and output) of each stored response,
 * remembered within a bound, so a request naming one continues from it with only its new items in
 * {@code input}. A response created with {@code store: false}, never created or forgotten past the
 * bound is not found, as the API answers: 400 {@code previous_response_not_found}. Thread-safe.
 */
final class ResponseChains {

    /** What a request continues from: the earlier items, and their ids. */
    record Context(ArrayNode items, Set<String> ids) {
        static final Context EMPTY = new Context(Json.array(), Set.of());
    }

    /** Keys apart from the stored responses' own, since both count against one budget. */
    private static final String CHAIN = "chain/";

    private final BoundedStore<ArrayNode> items;

    /** @param budget the storage budget the conversations count against, with every other stored object */
    ResponseChains(StorageBudget budget) {
        this.items = new BoundedStore<>(budget, Json::writeBytes, BoundedStore::exactArray);
    }

    /**
     * The items a request continues from: those of its {@code previous_response_id}, or none.
     *
     * @throws ApiException 400 {@code previous_response_not_found} when no stored response has that id
     */
    Context context(JsonNode body) {
        JsonNode previous = body.get("previous_response_id");
        if (previous == null || previous.isNull()) {
            return Context.EMPTY;
        }
        if (!previous.isTextual()) {
            throw Fields.typeError("previous_response_id", "a string", previous);
        }
        ArrayNode earlier = items.get(CHAIN + previous.asText());
        if (earlier == null) {
            throw ApiException.invalid(
                    "Previous response with id '" + previous.asText() + "' not found.",
                    "previous_response_id",
                    "previous_response_not_found");
        }
        Set<String> ids = new HashSet<>();
        earlier.forEach(item -> {
            if (item.path("id").isTextual()) {
                ids.add(item.get("id").asText());
            }
        });
        return new Context(earlier, ids);
    }

    /** The request's own {@code input} as items: a string becomes one user message. */
    static ArrayNode inputItems(JsonNode input) {
        if (input == null || input.isNull()) {
            return Json.array();
        }
        if (input.isTextual()) {
            ArrayNode one = Json.array();
            one.addObject().put("type", "message").put("role", "user").put("content", input.asText());
            return one;
        }
        if (!input.isArray()) {
            throw Fields.typeError("input", "a string or an array of input items", input);
        }
        return (ArrayNode) input.deepCopy();
    }

    /** Remembers a stored response's whole conversation: what it continued from, its input, its output. */
    void remember(String responseId, Context context, ArrayNode input, JsonNode output) {
        ArrayNode all = context.items().deepCopy();
        all.addAll(input);
        output.forEach(item -> all.add(item.deepCopy()));
        items.put(CHAIN + responseId, all);
    }
}
