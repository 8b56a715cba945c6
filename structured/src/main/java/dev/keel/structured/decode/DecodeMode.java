package dev.keel.structured.decode;

import java.util.Locale;

/** The decode chain's layers, most to least faithful. */
public enum DecodeMode {
    STRICT,
    COMPAT,
    SUMMARY;

    /** {@code strict}, {@code compat} or {@code summary}: the form logs and metric labels use. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
