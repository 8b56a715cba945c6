package dev.keel.core.policy;

import java.time.Duration;

/**
 * The retry policy's knobs.
 *
 * @param maxAttempts attempts in all, the first included (online 3, tool steps 4)
 * @param backoff the wait before each retry
 * @param minAttemptTime a retry is only worth starting when at least this much time is left after
 *     its wait (default 1 s)
 */
public record RetryPolicyConfig(int maxAttempts, Backoff backoff, Duration minAttemptTime) {

    /** @throws IllegalArgumentException for fewer than 1 attempt or a negative minimal attempt time */
    public RetryPolicyConfig {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (minAttemptTime.isNegative()) {
            throw new IllegalArgumentException("minAttemptTime must not be negative, got " + minAttemptTime);
        }
    }

    /** Online calls: 3 attempts, full jitter from 200 ms capped at 2 s, 1 s minimal attempt. */
    public static RetryPolicyConfig online() {
        return new RetryPolicyConfig(
                3, Backoff.exponentialFullJitter(Duration.ofMillis(200), Duration.ofSeconds(2)), Duration.ofSeconds(1));
    }

    /** Tool steps and background work: 4 attempts, full jitter from 200 ms capped at 5 s. */
    public static RetryPolicyConfig toolSteps() {
        return new RetryPolicyConfig(
                4, Backoff.exponentialFullJitter(Duration.ofMillis(200), Duration.ofSeconds(5)), Duration.ofSeconds(1));
    }
}
