package dev.keel.structured;

import java.util.Objects;

/**
 * One structured call. Immutable.
 *
 * @param routingKey what canary assignment sticks to: a tenant, user or conversation id (never
 *     random, or the canary is not sticky)
 * @param input the user input
 * @param instructions system instructions, or null
 * @param promptVersion your prompt's version, logged with every decode; may be null
 * @param maxOutputTokens cap on output tokens (at least 16), or null for the model's default
 */
public record StructuredRequest(
        String routingKey, String input, String instructions, String promptVersion, Integer maxOutputTokens) {

    /** @throws IllegalArgumentException for a blank routing key or input, or maxOutputTokens below 16 */
    public StructuredRequest {
        if (routingKey == null || routingKey.isBlank()) {
            throw new IllegalArgumentException("a structured request needs a routing key (tenant, user or request id)"
                    + " so its canary assignment is sticky");
        }
        Objects.requireNonNull(input, "input");
        if (maxOutputTokens != null && maxOutputTokens < 16) {
            throw new IllegalArgumentException("max_output_tokens must be at least 16, got " + maxOutputTokens);
        }
    }

    public static StructuredRequest of(String routingKey, String input) {
        return new StructuredRequest(routingKey, input, null, null, null);
    }

    public StructuredRequest withInstructions(String i) {
        return new StructuredRequest(routingKey, input, i, promptVersion, maxOutputTokens);
    }

    public StructuredRequest withPromptVersion(String p) {
        return new StructuredRequest(routingKey, input, instructions, p, maxOutputTokens);
    }

    public StructuredRequest withMaxOutputTokens(Integer n) {
        return new StructuredRequest(routingKey, input, instructions, promptVersion, n);
    }
}
