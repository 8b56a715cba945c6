package dev.keel.emulator;

/**
 * The emulator's per-minute request and token limits, reported in the {@code x-ratelimit-*}
 * headers of every model call and, when {@code enforced}, answered with 429 once spent.
 *
 * @param requestsPerMinute limit reported as {@code x-ratelimit-limit-requests}; at least 1
 * @param tokensPerMinute limit reported as {@code x-ratelimit-limit-tokens}; at least 1
 * @param enforced whether spending a limit yields 429 {@code rate_limit_exceeded} with {@code
 *     Retry-After}; when false the headers are reported but nothing is refused
 */
public record RateLimits(long requestsPerMinute, long tokensPerMinute, boolean enforced) {

    /** @throws IllegalArgumentException when a limit is below 1 */
    public RateLimits {
        if (requestsPerMinute < 1 || tokensPerMinute < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1 per minute, got requests="
                    + requestsPerMinute + " tokens=" + tokensPerMinute);
        }
    }

    /** Tier-5-like limits, reported but not enforced (so benchmarks are never throttled). */
    public static RateLimits ofDefaults() {
        return new RateLimits(30_000, 150_000_000, false);
    }

    /** Enforced limits, for tests and demos of 429 handling. */
    public static RateLimits enforced(long requestsPerMinute, long tokensPerMinute) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, true);
    }
}
