package dev.keel.emulator.internal;

import dev.keel.emulator.RateLimits;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Fixed one-minute windows of requests and tokens on the emulator's clock, producing the {@code
 * x-ratelimit-*} header values and, when limits are enforced, the wait before a refused request may
 * be sent again. Thread-safe.
 */
public final class RateLimiter {

    /** The header values for one request, and the wait when it was refused (null when admitted). */
    public record Verdict(
            long limitRequests,
            long remainingRequests,
            String resetRequests,
            long limitTokens,
            long remainingTokens,
            String resetTokens,
            Duration refusedFor) {}

    private final RateLimits limits;
    private final InstantSource clock;
    private long windowStartMs = Long.MIN_VALUE;
    private long requests;
    private long tokens;

    public RateLimiter(RateLimits limits, InstantSource clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Counts one request of {@code tokenCost} tokens against the current window. */
    public synchronized Verdict admit(long tokenCost) {
        long now = clock.millis();
        if (now - windowStartMs >= 60_000 || windowStartMs == Long.MIN_VALUE) {
            windowStartMs = now;
            requests = 0;
            tokens = 0;
        }
        long resetMs = windowStartMs + 60_000 - now;
        boolean over = requests + 1 > limits.requestsPerMinute() || tokens + tokenCost > limits.tokensPerMinute();
        Duration refused = null;
        if (over && limits.enforced()) {
            refused = Duration.ofMillis(resetMs);
        } else {
            requests++;
            tokens += tokenCost;
        }
        return new Verdict(
                limits.requestsPerMinute(),
                Math.max(0, limits.requestsPerMinute() - requests),
                goDuration(resetMs),
                limits.tokensPerMinute(),
                Math.max(0, limits.tokensPerMinute() - tokens),
                goDuration(resetMs),
                refused);
    }

    /** Formats like Go's {@code time.Duration}: {@code 12ms}, {@code 1.5s}, {@code 6m0s}. */
    static String goDuration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            String s = String.valueOf(ms / 1000.0);
            return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "s";
        }
        long m = ms / 60_000;
        String s = String.valueOf((ms % 60_000) / 1000.0);
        return m + "m" + (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "s";
    }
}
