package dev.keel.batch.run;

import java.util.Locale;

/**
 * How a run's chunks are sent: through the Batch API, through the synchronous pipeline at the flex
 * tier (Batch rates, answers in minutes, may refuse with 429), or chosen per run ({@link
 * FlexConfig#choose}).
 */
public enum BatchRoute {
    BATCH,
    FLEX,
    AUTO;

    /** The name on the command line and in {@code batch.route}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for anything but batch, flex or auto, naming {@code --route}
     */
    public static BatchRoute parse(String s) {
        for (BatchRoute r : values()) {
            if (r.label().equalsIgnoreCase(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--route must be batch, flex or auto, was '" + s + "'");
    }
}
