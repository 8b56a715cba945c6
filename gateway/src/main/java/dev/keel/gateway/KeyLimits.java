package dev.keel.gateway;

import java.math.BigDecimal;

/**
 * One gateway key's limits; 0 or null means "no limit". Immutable.
 *
 * @param requestsPerMinute requests a minute (a token bucket refilled over the minute)
 * @param tokensPerMinute input tokens plus the output bound a minute, taken before forwarding and
 *     the unused part given back once the real usage is known
 * @param concurrency calls in flight at once through one gateway process
 * @param dailyUsd spend cap per UTC day, checked against the worst case before forwarding
 * @param monthlyUsd spend cap per UTC month, the same way
 * @param refuseNestedRetries whether a client's own retry ({@code X-Stainless-Retry-Count > 0}) is
 *     refused outright while a breaker is open or the retry budget is spent (otherwise it is counted
 *     and forwarded)
 */
public record KeyLimits(
        int requestsPerMinute,
        long tokensPerMinute,
        int concurrency,
        BigDecimal dailyUsd,
        BigDecimal monthlyUsd,
        boolean refuseNestedRetries) {

    /** No limits at all. */
    public static final KeyLimits NONE = new KeyLimits(0, 0, 0, null, null, false);

    /** @throws IllegalArgumentException for a negative limit */
    public KeyLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0 || concurrency < 0) {
            throw new IllegalArgumentException("limits must not be negative (0 means none)");
        }
        if ((dailyUsd != null && dailyUsd.signum() < 0) || (monthlyUsd != null && monthlyUsd.signum() < 0)) {
            throw new IllegalArgumentException("spend caps must not be negative (leave them out for none)");
        }
    }

    /** Whether a spend cap applies, so each generation call must be priced before it is forwarded. */
    public boolean capsSpend() {
        return dailyUsd != null || monthlyUsd != null;
    }
}
