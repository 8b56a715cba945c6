package dev.keel.batch.run;

import java.util.Locale;

/**
 * Where an item goes when flex keeps answering {@code 429} "resource unavailable" after the retry
 * budget: to a Batch API chunk (Batch rates, later), to the standard tier at once (standard price,
 * said so in the report), or to the manual queue.
 */
public enum FlexFallback {
    BATCH,
    STANDARD,
    MANUAL;

    /** The name on the command line and in {@code batch.flex-fallback}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for anything but batch, standard or manual, naming {@code
     *     --flex-fallback}
     */
    public static FlexFallback parse(String s) {
        for (FlexFallback f : values()) {
            if (f.label().equalsIgnoreCase(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--flex-fallback must be batch, standard or manual, was '" + s + "'");
    }
}
