package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-sent events of a finished {@code Response}, in the API's order: {@code
 * response.created}, {@code response.in_progress}, then per output item {@code
 * output_item.added}, its content or argument deltas and dones, {@code output_item.done} (a
 * reasoning item first, as just an added and a done), and last
 * {@code response.completed} or {@code response.incomplete}. Every event carries {@code type} and a
 * {@code sequence_number} counting from 0. Not thread-safe; one per stream.
 */
final class ResponseEvents {

    private static final int WORDS_PER_DELTA = 3;

    private final ObjectNode response;
    private final List<ObjectNode> events = new ArrayList<>();

    ResponseEvents(ObjectNode response) {
        this.response = response;
    }

    List<ObjectNode> all() {
        ObjectNode pending = response.deepCopy();
        pending.put("status", "in_progress");
        pending.remove("completed_at");
        pending.putNull("incomplete_details");
        pending.putArray("output");
        pending.remove("usage");
        add("response.created").set("response", pending);
        add("response.in_progress").set("response", pending);
        JsonNode output = response.get("output");
        for (int i = 0; i < output.size(); i++) {
            item(i, output.get(i));
        }
        String last =
                "incomplete".equals(response.path("status").asText()) ? "response.incomplete" : "response.completed";
        add(last).set("response", response);
        return events;
    }

    private void item(int index, JsonNode item) {
        ObjectNode started = item.deepCopy();
        if (!"reasoning".equals(item.path("type").asText())) {
            // A reasoning item is added as it is done: with its (empty) summary and no status, as the API streams it.
            started.put("status", "in_progress");
        }
        if (started.has("content")) {
            started.putArray("content");
        }
        if (started.has("arguments")) {
            started.put("arguments", "");
        }
        ObjectNode added = add("response.output_item.added");
        added.put("output_index", index);
        added.set("item", started);
        if ("function_call".equals(item.path("type").asText())) {
            arguments(index, item);
        } else {
            JsonNode content = item.path("content");
            for (int c = 0; c < content.size(); c++) {
                part(index, item.get("id").asText(), c, content.get(c));
            }
        }
        ObjectNode done = add("response.output_item.done");
        done.put("output_index", index);
        done.set("item", item);
    }

    private void arguments(int index, JsonNode item) {
        String args = item.get("arguments").asText();
        for (String piece : chunks(args, 24)) {
            ObjectNode d = add("response.function_call_arguments.delta");
            d.put("item_id", item.get("id").asText());
            d.put("output_index", index);
            d.put("delta", piece);
        }
        ObjectNode d = add("response.function_call_arguments.done");
        d.put("item_id", item.get("id").asText());
        d.put("output_index", index);
        d.put("name", item.get("name").asText());
        d.put("arguments", args);
    }

    private void part(int index, String itemId, int contentIndex, JsonNode part) {
        boolean refusal = "refusal".equals(part.path("type").asText());
        ObjectNode emptyPart = part.deepCopy();
        emptyPart.put(refusal ? "refusal" : "text", "");
        located(add("response.content_part.added"), itemId, index, contentIndex).set("part", emptyPart);
        String full = part.get(refusal ? "refusal" : "text").asText();
        String deltaType = refusal ? "response.refusal.delta" : "response.output_text.delta";
        for (String piece : wordChunks(full)) {
            ObjectNode d = located(add(deltaType), itemId, index, contentIndex);
            d.put("delta", piece);
            if (!refusal) {
                d.putArray("logprobs");
            }
        }
        ObjectNode done = located(
                add(refusal ? "response.refusal.done" : "response.output_text.done"), itemId, index, contentIndex);
        done.put(refusal ? "refusal" : "text", full);
        if (!refusal) {
            done.putArray("logprobs");
        }
        located(add("response.content_part.done"), itemId, index, contentIndex).set("part", part);
    }

    private static ObjectNode located(ObjectNode e, String itemId, int index, int contentIndex) {
        e.put("item_id", itemId);
        e.put("output_index", index);
        e.put("content_index", contentIndex);
        return e;
    }

    private ObjectNode add(String type) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.put("sequence_number", events.size());
        events.add(e);
        return e;
    }

    /** Splits text after every few words, keeping the separators, so the deltas join back exactly. */
    static List<String> wordChunks(String text) {
        var out = new ArrayList<String>();
        int start = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && ++words % WORDS_PER_DELTA == 0) {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length() || out.isEmpty()) {
            out.add(text.substring(start));
        }
        return out;
    }

    static List<String> chunks(String text, int size) {
        var out = new ArrayList<String>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }
}
