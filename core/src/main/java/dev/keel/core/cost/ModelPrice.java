package dev.keel.core.cost;

import java.util.Objects;

/** A model's synchronous and Batch API prices. */
public record ModelPrice(String model, Rates sync, Rates batch) {

    public ModelPrice {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(batch, "batch");
    }

    /** The rates of {@code tier}. */
    public Rates rates(PriceTier tier) {
        return switch (tier) {
            case SYNC -> sync;
            case BATCH -> batch;
        };
    }
}
