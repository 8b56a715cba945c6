package dev.keel.core.cost;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * One tier's prices for a model, in USD per one million tokens.
 *
 * @param input uncached input tokens
 * @param cachedInput input tokens served from the prompt cache
 * @param cacheWrite input tokens written to the prompt cache ({@code cache_write_tokens}); {@code
 *     BigDecimal.ZERO} where the file says {@code "not_billed"}, {@code null} where the file gives no
 *     rate (a usage with cache writes is then refused, never priced at zero)
 * @param output output tokens (reasoning tokens included, as OpenAI bills them)
 */
public record Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {

    /** @throws IllegalArgumentException if a price is missing or negative */
    public Rates {
        requireNonNegative("input", input);
        requireNonNegative("cached_input", cachedInput);
        if (cacheWrite != null) {
            requireNonNegative("cache_write", cacheWrite);
        }
        requireNonNegative("output", output);
    }

    /** Rates of a family that does not bill cache writes. */
    public Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
        this(input, cachedInput, BigDecimal.ZERO, output);
    }

    /** The cache-write rate, if the table gives one ({@code "not_billed"} is zero). */
    public Optional<BigDecimal> cacheWriteRate() {
        return Optional.ofNullable(cacheWrite);
    }

    private static void requireNonNegative(String name, BigDecimal price) {
        Objects.requireNonNull(price, name);
        if (price.signum() < 0) {
            throw new IllegalArgumentException(name + " price must be >= 0, was " + price);
        }
    }
}
