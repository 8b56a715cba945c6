package dev.keel.cli;

import dev.keel.emulator.RateLimits;

/**
 * The checks of {@code keel emulator}'s size and rate options, run when the command builds its
 * {@link dev.keel.emulator.EmulatorConfig}; each error names the option and the value. Stateless.
 */
final class EmulatorOptions {

    private EmulatorOptions() {}

    /** A size such as {@code 268435456}, {@code 512k}, {@code 256m} or {@code 2g} (binary units). */
    static long bytes(String option, String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        if (!v.isEmpty() && "kmg".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 1 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option + " '" + value + "' must be a positive size in bytes, optionally with k, m or g, e.g. 512m");
    }

    /**
     * {@code --rate-limit RPM:TPM}: both halves whole numbers {@code >= 1}.
     *
     * @throws IllegalArgumentException naming the option, the half and an example
     */
    static RateLimits rateLimits(String rateLimit) {
        String[] parts = rateLimit.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--rate-limit '" + rateLimit + "' must be RPM:TPM, e.g. 60:100000");
        }
        return RateLimits.enforced(
                perMinute(rateLimit, "requests per minute", parts[0]),
                perMinute(rateLimit, "tokens per minute", parts[1]));
    }

    /** One half of {@code --rate-limit RPM:TPM}, a whole number >= 1, named in the error. */
    private static long perMinute(String rateLimit, String what, String part) {
        try {
            long n = Long.parseLong(part.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--rate-limit '" + rateLimit + "': " + what + " '" + part.strip()
                + "' must be a whole number >= 1; give RPM:TPM, e.g. 60:100000");
    }
}
