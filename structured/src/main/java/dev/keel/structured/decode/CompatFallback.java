package dev.keel.structured.decode;

import java.util.Locale;

/**
 * What happens after a strict decode fails ({@code STRUCTURED_OUTPUT_COMPAT_FALLBACK}): {@code 0}
 * goes straight to a summary, {@code 1} tries the tolerant compat decode first (the default), and
 * {@code force} skips strict and decodes everything in compat mode (the recipe's logic rollback).
 */
public enum CompatFallback {
    OFF("0"),
    ON("1"),
    FORCE("force");

    private final String token;

    CompatFallback(String token) {
        this.token = token;
    }

    /** {@code 0}, {@code 1} or {@code force}. */
    public String token() {
        return token;
    }

    /**
     * Parses {@code 0}/{@code 1}/{@code force} (also {@code false}/{@code true}, {@code off}/{@code on}).
     *
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    public static CompatFallback parse(String where, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "0", "false", "off" -> OFF;
            case "1", "true", "on" -> ON;
            case "force" -> FORCE;
            default ->
                throw new IllegalArgumentException(
                        where + " must be 0, 1 or force (logic rollback), got '" + value + "'");
        };
    }
}
