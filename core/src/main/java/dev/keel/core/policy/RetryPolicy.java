package dev.keel.core.policy;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.policy.RetryDecision.GiveUp;
import dev.keel.core.policy.RetryDecision.GiveUpReason;
import dev.keel.core.policy.RetryDecision.Retry;
import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Decides, after a failed attempt, whether to retry and after how long: only retryable kinds, only
 * replayable requests, within the attempt limit, and never a wait that — plus a minimal attempt —
 * would pass the call's deadline. A server's Retry-After wins over the backoff when it fits in the
 * time left; when it does not, the call gives up at once with that reason. Immutable and
 * thread-safe; the per-call state (attempts so far) is passed in.
 */
public final class RetryPolicy {

    private final RetryPolicyConfig config;

    public RetryPolicy(RetryPolicyConfig config) {
        this.config = config;
    }

    /**
     * @param attemptsSoFar attempts made, the failed one included (1 after the first)
     * @param retryAfter the server's Retry-After, or null
     * @param replayable whether the request can be sent again
     */
    public RetryDecision decide(
            int attemptsSoFar,
            ErrorKind kind,
            Duration retryAfter,
            boolean replayable,
            Deadline deadline,
            RandomGenerator random) {
        return decide(attemptsSoFar, kind, null, retryAfter, replayable, deadline, random);
    }

    /**
     * As the other {@code decide}, with the upstream's {@code x-should-retry} header (null when
     * absent), which overrides the kind: {@code true} retries even a kind that is not retryable,
     * {@code false} never retries.
     */
    public RetryDecision decide(
            int attemptsSoFar,
            ErrorKind kind,
            Boolean shouldRetry,
            Duration retryAfter,
            boolean replayable,
            Deadline deadline,
            RandomGenerator random) {
        if (Boolean.FALSE.equals(shouldRetry)) {
            return new GiveUp(GiveUpReason.NOT_RETRYABLE, "the upstream said x-should-retry: false");
        }
        if (!kind.retryable() && !Boolean.TRUE.equals(shouldRetry)) {
            return new GiveUp(GiveUpReason.NOT_RETRYABLE, kind + " is not worth another attempt");
        }
        if (!replayable) {
            return new GiveUp(GiveUpReason.NOT_REPLAYABLE, "the request cannot be sent again");
        }
        if (attemptsSoFar >= config.maxAttempts()) {
            return new GiveUp(
                    GiveUpReason.ATTEMPTS_EXHAUSTED, attemptsSoFar + " of " + config.maxAttempts() + " attempts made");
        }
        if (retryAfter != null) {
            return fits(retryAfter, deadline)
                    ? new Retry(retryAfter, reason(kind))
                    : new GiveUp(
                            GiveUpReason.RETRY_AFTER_TOO_LONG,
                            "Retry-After " + retryAfter.toMillis() + " ms does not fit in the "
                                    + deadline.remaining().toMillis() + " ms left");
        }
        Duration delay = config.backoff().delay(attemptsSoFar - 1, random);
        return fits(delay, deadline)
                ? new Retry(delay, reason(kind))
                : new GiveUp(
                        GiveUpReason.DEADLINE,
                        "a " + delay.toMillis() + " ms wait and a "
                                + config.minAttemptTime().toMillis() + " ms attempt do not fit in the "
                                + deadline.remaining().toMillis() + " ms left");
    }

    private boolean fits(Duration wait, Deadline deadline) {
        return deadline.fits(wait.plus(config.minAttemptTime()));
    }

    private static String reason(ErrorKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    public RetryPolicyConfig config() {
        return config;
    }
}
