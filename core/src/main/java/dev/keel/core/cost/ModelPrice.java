package dev.keel.core.cost;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's prices per tier, as the table lists them (a tier the table does not list has no
 * price: it is refused, never priced at zero), and the rates of fine-tuned models built on it
 * ({@code ft:MODEL:org::id}), if the table lists them.
 */
public record ModelPrice(String model, Map<PriceTier, Rates> tiers, Map<PriceTier, Rates> fineTuned) {

    public ModelPrice {
        Objects.requireNonNull(model, "model");
        tiers = Map.copyOf(tiers);
        fineTuned = Map.copyOf(fineTuned);
    }

    /** A model with only standard and batch prices. */
    public ModelPrice(String model, Rates standard, Rates batch) {
        this(model, tiersOf(standard, batch), Map.of());
    }

    private static Map<PriceTier, Rates> tiersOf(Rates standard, Rates batch) {
        Map<PriceTier, Rates> m = new EnumMap<>(PriceTier.class);
        m.put(PriceTier.STANDARD, Objects.requireNonNull(standard, "standard"));
        m.put(PriceTier.BATCH, Objects.requireNonNull(batch, "batch"));
        return m;
    }

    /** The rates of {@code tier}, if listed. */
    public Optional<Rates> find(PriceTier tier) {
        return Optional.ofNullable(tiers.get(tier));
    }

    /**
     * The rates of {@code tier}.
     *
     * @throws UnknownModelPriceException naming the model and tier if the table does not list them
     */
    public Rates rates(PriceTier tier) {
        Rates r = tiers.get(tier);
        if (r == null) {
            throw UnknownModelPriceException.tier(model, tier);
        }
        return r;
    }

    /** The standard-tier rates (throws as {@link #rates} if unlisted). */
    public Rates standard() {
        return rates(PriceTier.STANDARD);
    }

    /** The batch-tier rates (throws as {@link #rates} if unlisted). */
    public Rates batch() {
        return rates(PriceTier.BATCH);
    }
}
