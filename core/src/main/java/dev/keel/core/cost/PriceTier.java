package dev.keel.core.cost;

/** Which price list a call is charged from: the synchronous APIs or the Batch API (half price). */
public enum PriceTier {
    SYNC,
    BATCH
}
