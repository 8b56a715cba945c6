package dev.keel.core.policy;

import java.time.Duration;

/**
 * When a client counts as degraded and what it does about it.
 *
 * @param window the sliding window the error rate is measured over (default 1 min)
 * @param minCalls the window must hold more than this many calls (default 100)
 * @param errorRate degraded when the share of failed calls is above this (default 0.20)
 * @param concurrencyFactor while degraded, the in-flight limit is multiplied by this (0–1; 1 keeps it)
 * @param fallbackModel while degraded, requests for any model go to this one instead; null keeps the model
 */
public record DegradeConfig(
        Duration window, int minCalls, double errorRate, double concurrencyFactor, String fallbackModel) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public DegradeConfig {
        if (window.isZero() || window.isNegative() || window.toSeconds() < 1) {
            throw new IllegalArgumentException("degrade window must be at least 1 s, got " + window);
        }
        if (minCalls < 0) {
            throw new IllegalArgumentException("degrade minCalls must be >= 0, got " + minCalls);
        }
        if (!(errorRate > 0 && errorRate < 1)) {
            throw new IllegalArgumentException("degrade errorRate must be within (0, 1), got " + errorRate);
        }
        if (!(concurrencyFactor > 0 && concurrencyFactor <= 1)) {
            throw new IllegalArgumentException(
                    "degrade concurrencyFactor must be within (0, 1], got " + concurrencyFactor);
        }
    }

    /** 1 min window, more than 100 calls, above 20 % failures; halve concurrency; keep the model. */
    public static DegradeConfig ofDefaults() {
        return new DegradeConfig(Duration.ofMinutes(1), 100, 0.20, 0.5, null);
    }

    public DegradeConfig withFallbackModel(String model) {
        return new DegradeConfig(window, minCalls, errorRate, concurrencyFactor, model);
    }

    public DegradeConfig withConcurrencyFactor(double factor) {
        return new DegradeConfig(window, minCalls, errorRate, factor, fallbackModel);
    }
}
