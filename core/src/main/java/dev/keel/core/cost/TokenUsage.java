package dev.keel.core.cost;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens a call used, as billed: input (of which {@code cachedInput} came from the prompt cache)
 * and output.
 */
public record TokenUsage(long input, long cachedInput, long output) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);

    /** @throws IllegalArgumentException if a count is negative or more input is cached than sent */
    public TokenUsage {
        if (input < 0 || cachedInput < 0 || output < 0) {
            throw new IllegalArgumentException(
                    "token counts must be >= 0, were input=" + input + " cached=" + cachedInput + " output=" + output);
        }
        if (cachedInput > input) {
            throw new IllegalArgumentException("cached input " + cachedInput + " exceeds input " + input);
        }
    }

    /**
     * Reads a {@code usage} object of the Responses API ({@code input_tokens}, {@code output_tokens}),
     * Chat Completions ({@code prompt_tokens}, {@code completion_tokens}) or Embeddings ({@code
     * prompt_tokens}); a missing or null object reads as zero.
     */
    public static TokenUsage fromJson(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return ZERO;
        }
        long input = usage.has("input_tokens")
                ? usage.path("input_tokens").asLong()
                : usage.path("prompt_tokens").asLong();
        long output = usage.has("output_tokens")
                ? usage.path("output_tokens").asLong()
                : usage.path("completion_tokens").asLong();
        JsonNode details = usage.has("input_tokens_details")
                ? usage.path("input_tokens_details")
                : usage.path("prompt_tokens_details");
        long cached = Math.min(details.path("cached_tokens").asLong(), input);
        return new TokenUsage(input, cached, output);
    }

    /** The sum of both usages. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(input + other.input, cachedInput + other.cachedInput, output + other.output);
    }
}
