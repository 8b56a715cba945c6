package dev.keel.core.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One tier's prices for a model, in USD per one million tokens.
 *
 * @param input uncached input tokens
 * @param cachedInput input tokens served from the prompt cache
 * @param output output tokens (reasoning tokens included, as OpenAI bills them)
 */
public record Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {

    /** @throws IllegalArgumentException if a price is missing or negative */
    public Rates {
        requireNonNegative("input", input);
        requireNonNegative("cached_input", cachedInput);
        requireNonNegative("output", output);
    }

    private static void requireNonNegative(String name, BigDecimal price) {
        Objects.requireNonNull(price, name);
        if (price.signum() < 0) {
            throw new IllegalArgumentException(name + " price must be >= 0, was " + price);
        }
    }
}
