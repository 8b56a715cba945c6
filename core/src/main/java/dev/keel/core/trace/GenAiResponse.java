package dev.keel.core.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.internal.json.JsonScan;

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

    /**
     * The last answer read on this thread, by identity: the metrics and the tracing both read the
     * same answer at the end of a call, one after the other on the calling thread, and answer bytes
     * are never mutated (see {@link dev.keel.core.http.HttpResult}). Held weakly, so an idle thread
     * keeps no answer alive.
     */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

    /** Reads a buffered JSON answer; a body that is not a JSON object reads as all null. */
    public static GenAiResponse of(byte[] body) {
        if (body == null || body.length == 0) {
            return new GenAiResponse(null, null, null, null);
        }
        Object[] last = LAST.get();
        if (last[0] instanceof java.lang.ref.WeakReference<?> ref && ref.get() == body) {
            return (GenAiResponse) last[1];
        }
        GenAiResponse read = scan(body);
        last[0] = new java.lang.ref.WeakReference<>(body);
        last[1] = read;
        return read;
    }

    private static GenAiResponse scan(byte[] body) {
        TokenUsage usage = null;
        long range = JsonScan.memberFromEnd(body, "usage");
        if (range >= 0 && body[JsonScan.start(range)] == '{') {
            usage = usage(body, JsonScan.start(range), JsonScan.end(range));
        }
        return new GenAiResponse(
                JsonScan.string(body, "id"),
                JsonScan.string(body, "model"),
                JsonScan.string(body, "service_tier"),
                usage);
    }

    /**
     * The usage object at {@code body[from, to)}, read in place as {@link TokenUsage#fromJson} reads
     * a parsed one: Responses ({@code input_tokens}, {@code output_tokens}, {@code
     * input_tokens_details}) or Chat/Embeddings ({@code prompt_tokens}, {@code completion_tokens},
     * {@code prompt_tokens_details}); without building a tree on every answer.
     */
    private static TokenUsage usage(byte[] body, int from, int to) {
        boolean responses = JsonScan.member(body, from, to, "input_tokens") >= 0;
        long input = JsonScan.longValue(body, from, to, responses ? "input_tokens" : "prompt_tokens");
        long output = JsonScan.member(body, from, to, "output_tokens") >= 0
                ? JsonScan.longValue(body, from, to, "output_tokens")
                : JsonScan.longValue(body, from, to, "completion_tokens");
        long details = JsonScan.member(body, from, to, "input_tokens_details");
        if (details < 0) {
            details = JsonScan.member(body, from, to, "prompt_tokens_details");
        }
        long cached = details < 0 || body[JsonScan.start(details)] != '{'
                ? 0
                : JsonScan.longValue(body, JsonScan.start(details), JsonScan.end(details), "cached_tokens");
        long written = details < 0 || body[JsonScan.start(details)] != '{'
                ? 0
                : JsonScan.longValue(body, JsonScan.start(details), JsonScan.end(details), "cache_write_tokens");
        return TokenUsage.clamped(input, cached, written, output);
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
