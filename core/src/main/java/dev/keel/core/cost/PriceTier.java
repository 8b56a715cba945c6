package dev.keel.core.cost;

import java.util.Locale;
import java.util.Optional;

/**
 * Which price list a call is charged from: the standard synchronous tier, the Batch API, Flex
 * (synchronous, priced at Batch rates) or Priority. Price files name them in lower case; the old
 * name {@code sync} reads as {@link #STANDARD}.
 */
public enum PriceTier {
    STANDARD,
    BATCH,
    FLEX,
    PRIORITY;

    /** The name in price files and in the {@code tier} label of {@code cost_usd_total}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier a price file's key names ({@code sync} is the old name of {@code standard}). */
    public static Optional<PriceTier> ofKey(String key) {
        return switch (key) {
            case "standard", "sync" -> Optional.of(STANDARD);
            case "batch" -> Optional.of(BATCH);
            case "flex" -> Optional.of(FLEX);
            case "priority" -> Optional.of(PRIORITY);
            default -> Optional.empty();
        };
    }

    /**
     * The tier an answer's {@code service_tier} says it was served at: absent, {@code default} or
     * {@code auto} is {@link #STANDARD}; {@code flex}; {@code priority} (the API answers {@code
     * fast} requests as {@code priority}, and {@code fast} is read the same). Any other value
     * ({@code scale}, {@code ultrafast}, a new one) has no price list here: empty.
     */
    public static Optional<PriceTier> ofServiceTier(String served) {
        if (served == null) {
            return Optional.of(STANDARD);
        }
        return switch (served) {
            case "default", "auto" -> Optional.of(STANDARD);
            case "flex" -> Optional.of(FLEX);
            case "priority", "fast" -> Optional.of(PRIORITY);
            default -> Optional.empty();
        };
    }
}
