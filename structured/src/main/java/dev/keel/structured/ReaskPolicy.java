package dev.keel.structured;

/**
 * The optional single re-ask: when an answer would degrade to a summary because it is not valid JSON,
 * misses a required field, has a wrong type, or was cut off, ask once more with the error, as long as
 * the whole exchange stays within a token budget. Refusals are never re-asked. A re-ask is a second
 * logical call, not a transport retry. Immutable.
 *
 * @param enabled whether to re-ask at all
 * @param tokenBudget the most tokens (input + output, both calls together) one structured call may
 *     use; the re-ask is skipped when the first call's tokens plus the re-ask's estimated input and its
 *     output cap would exceed it
 */
public record ReaskPolicy(boolean enabled, int tokenBudget) {

    /** @throws IllegalArgumentException for a negative budget */
    public ReaskPolicy {
        if (tokenBudget < 0) {
            throw new IllegalArgumentException("the re-ask token budget must not be negative, got " + tokenBudget);
        }
    }

    /** No re-ask: a bad answer goes straight down the decode chain. The default. */
    public static ReaskPolicy off() {
        return new ReaskPolicy(false, 0);
    }

    /** Re-ask once within {@code tokenBudget} tokens. */
    public static ReaskPolicy within(int tokenBudget) {
        return new ReaskPolicy(true, tokenBudget);
    }
}
