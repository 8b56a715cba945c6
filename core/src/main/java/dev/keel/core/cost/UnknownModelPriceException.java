package dev.keel.core.cost;

/**
 * The price table lists no price for a model, for one of its tiers, or for its cache writes, so a
 * cost cannot be computed or bounded; the message says how to add it.
 */
public final class UnknownModelPriceException extends IllegalArgumentException {

    private final String model;

    public UnknownModelPriceException(String model, String asOf) {
        this(
                model,
                "no price for model '" + model + "' in the price table (prices as of " + asOf
                        + "); add it to a price file and pass it with --prices FILE (library: PriceTable.load)",
                true);
    }

    private UnknownModelPriceException(String model, String message, boolean unused) {
        super(message);
        this.model = model;
    }

    /** The table lists {@code model} but not {@code tier}. */
    static UnknownModelPriceException tier(String model, PriceTier tier) {
        return new UnknownModelPriceException(
                model,
                "no " + tier.label() + " price for model '" + model
                        + "' in the price table; add {\"models\": {\"" + model + "\": {\"" + tier.label()
                        + "\": {\"input\": N, \"cached_input\": N, \"cache_write\": N or \"not_billed\", \"output\": N}}}}"
                        + " to a price file and pass it with --prices FILE (library: PriceTable.load); it is never priced at zero",
                true);
    }

    /** The tier of {@code model} gives no cache-write rate but the usage has cache writes. */
    static UnknownModelPriceException cacheWrite(String model, PriceTier tier) {
        return new UnknownModelPriceException(
                model,
                "no cache_write price for model '" + model + "' tier "
                        + tier.label() + " but the answer reports cache_write_tokens; set models." + model + "."
                        + tier.label() + ".cache_write (a number, or \"not_billed\") in a price file and pass it with"
                        + " --prices FILE (library: PriceTable.load)",
                true);
    }

    /** A fine-tuned model whose base has no fine-tuned rates in the table. */
    static UnknownModelPriceException fineTuned(String model, String base, PriceTier tier) {
        return new UnknownModelPriceException(
                model,
                "no fine-tuned " + tier.label() + " price for '" + model
                        + "' (base model '" + base + "'); add {\"models\": {\"" + base + "\": {\"fine_tuned\": {\""
                        + tier.label()
                        + "\": {\"input\": N, \"cached_input\": N, \"output\": N}}}}} to a price file and pass"
                        + " it with --prices FILE (library: PriceTable.load)",
                true);
    }

    /** The model without a price. */
    public String model() {
        return model;
    }
}
