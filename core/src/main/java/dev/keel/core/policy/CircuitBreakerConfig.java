package dev.keel.core.policy;

import java.time.Duration;

/**
 * When a circuit breaker opens and how it recovers.
 *
 * @param window the length of one counting window (default 30 s)
 * @param minCalls a window counts only with at least this many calls (default 50)
 * @param failureRate a window counts when at least this share of its calls failed (default 0.25)
 * @param openFor how long it stays open before letting probes through (default 20 s)
 * @param halfOpenProbes calls let through while half-open (default 1)
 */
public record CircuitBreakerConfig(
        Duration window, int minCalls, double failureRate, Duration openFor, int halfOpenProbes) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public CircuitBreakerConfig {
        if (window.toMillis() < 1 || openFor.toMillis() < 1) {
            throw new IllegalArgumentException("window and openFor must be positive, got " + window + " / " + openFor);
        }
        if (minCalls < 1 || halfOpenProbes < 1) {
            throw new IllegalArgumentException(
                    "minCalls and halfOpenProbes must be at least 1, got " + minCalls + " / " + halfOpenProbes);
        }
        if (!(failureRate > 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failureRate must be within (0, 1], got " + failureRate);
        }
    }

    /** 30 s windows, two consecutive with >= 50 calls and >= 25 % failures; open 20 s; 1 probe. */
    public static CircuitBreakerConfig ofDefaults() {
        return new CircuitBreakerConfig(Duration.ofSeconds(30), 50, 0.25, Duration.ofSeconds(20), 1);
    }
}
