package dev.keel.core.cost;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens a call used, as billed: input (of which {@code cachedInput} came from the prompt cache and
 * {@code cacheWrite} was written to it) and output (reasoning tokens included, as OpenAI bills
 * them).
 */
public record TokenUsage(long input, long cachedInput, long cacheWrite, long output) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

    /**
     * @throws IllegalArgumentException if a count is negative or more input is cached or written
     *     than sent
     */
    public TokenUsage {
        if (input < 0 || cachedInput < 0 || cacheWrite < 0 || output < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, were input=" + input + " cached="
                    + cachedInput + " cache_write=" + cacheWrite + " output=" + output);
        }
        if (cachedInput + cacheWrite > input) {
            throw new IllegalArgumentException(
                    "cached input " + cachedInput + " plus cache writes " + cacheWrite + " exceed input " + input);
        }
    }

    /** A usage without cache writes. */
    public TokenUsage(long input, long cachedInput, long output) {
        this(input, cachedInput, 0, output);
    }

    /** Input tokens billed at the plain input rate: neither read from nor written to the cache. */
    public long uncachedInput() {
        return input - cachedInput - cacheWrite;
    }

    /**
     * Reads a {@code usage} object of the Responses API ({@code input_tokens}, {@code output_tokens},
     * {@code input_tokens_details.cached_tokens|cache_write_tokens}), Chat Completions ({@code
     * prompt_tokens}, {@code completion_tokens}, {@code prompt_tokens_details}) or Embeddings ({@code
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
        return clamped(
                input,
                details.path("cached_tokens").asLong(),
                details.path("cache_write_tokens").asLong(),
                output);
    }

    /** A usage from raw counts, cached then written input clamped to what was sent. */
    public static TokenUsage clamped(long input, long cached, long written, long output) {
        long c = Math.max(0, Math.min(cached, input));
        long w = Math.max(0, Math.min(written, input - c));
        return new TokenUsage(input, c, w, output);
    }

    /** The sum of both usages. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(
                input + other.input,
                cachedInput + other.cachedInput,
                cacheWrite + other.cacheWrite,
                output + other.output);
    }
}
