package dev.keel.core.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.tokens.TokenCounter;

/**
 * A request's input tokens, counted with the model's tokenizer, and a bound on its output tokens.
 *
 * <p>Input: every text the request sends (instructions, message contents, embedding inputs) plus
 * {@value #PER_MESSAGE} tokens per message and {@value #PER_REQUEST} per request for the chat
 * format's framing, so the count is an upper bound of what OpenAI bills, never below it. Images
 * and audio are not counted. Output: {@code max_output_tokens} (Responses), {@code
 * max_completion_tokens} or {@code max_tokens} (Chat), 0 for embeddings, otherwise the configured
 * default. Used by the batch planner's cost check and the gateway's spend caps (the worst case
 * before forwarding). Immutable.
 */
public record RequestTokens(int input, int outputBound) {

    public static final int PER_MESSAGE = 4;
    public static final int PER_REQUEST = 3;

    /** The endpoints whose requests are counted their own way; any other URL counts as Responses. */
    public static final String CHAT = "/v1/chat/completions";

    public static final String EMBEDDINGS = "/v1/embeddings";

    /** Counts {@code body}, a request to {@code url} ({@code /v1/...}). */
    public static RequestTokens of(String url, String model, JsonNode body, int defaultOutputTokens) {
        return switch (url) {
            case EMBEDDINGS -> new RequestTokens(embeddingInput(model, body.get("input")), 0);
            case CHAT ->
                new RequestTokens(
                        messages(model, body.get("messages")) + PER_REQUEST,
                        bound(body, defaultOutputTokens, "max_completion_tokens", "max_tokens"));
            default ->
                new RequestTokens(
                        TokenCounter.count(model, body.path("instructions").asText(""))
                                + responsesInput(model, body.get("input"))
                                + PER_REQUEST,
                        bound(body, defaultOutputTokens, "max_output_tokens"));
        };
    }

    private static int bound(JsonNode body, int fallback, String... fields) {
        for (String f : fields) {
            JsonNode v = body.get(f);
            if (v != null && v.canConvertToInt() && v.asInt() > 0) {
                return v.asInt();
            }
        }
        return fallback;
    }

    private static int responsesInput(String model, JsonNode input) {
        if (input == null || input.isNull()) {
            return 0;
        }
        return input.isTextual() ? TokenCounter.count(model, input.asText()) : messages(model, input);
    }

    private static int messages(String model, JsonNode messages) {
        int n = 0;
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                n += PER_MESSAGE + content(model, m.has("content") ? m.get("content") : m.get("output"));
                n += TokenCounter.count(model, m.path("arguments").asText(""));
            }
        }
        return n;
    }

    private static int content(String model, JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return TokenCounter.count(model, content.asText());
        }
        int n = 0;
        for (JsonNode part : content) {
            n += TokenCounter.count(model, part.path("text").asText(""));
        }
        return n;
    }

    private static int embeddingInput(String model, JsonNode input) {
        if (input == null || input.isNull()) {
            return 0;
        }
        if (input.isTextual()) {
            return TokenCounter.count(model, input.asText());
        }
        int n = 0;
        for (JsonNode e : input) {
            n += e.isTextual() ? TokenCounter.count(model, e.asText()) : e.isArray() ? e.size() : 1;
        }
        return n;
    }

    /** How many inputs an embeddings request carries (OpenAI caps a batch at 50,000 across its lines). */
    public static int embeddingInputs(JsonNode body) {
        JsonNode input = body.get("input");
        if (input == null || !input.isArray()) {
            return 1;
        }
        return input.isEmpty() || !input.get(0).isIntegralNumber() ? input.size() : 1;
    }
}
