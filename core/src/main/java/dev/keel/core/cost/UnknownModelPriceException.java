package dev.keel.core.cost;

/** The price table lists no price for a model, so a cost cannot be computed or bounded. */
public final class UnknownModelPriceException extends IllegalArgumentException {

    private final String model;

    public UnknownModelPriceException(String model, String asOf) {
        super("no price for model '" + model + "' in the price table (prices as of " + asOf
                + "); add it to a price file and pass it with --prices FILE (library: PriceTable.load)");
        this.model = model;
    }

    /** The model without a price. */
    public String model() {
        return model;
    }
}
