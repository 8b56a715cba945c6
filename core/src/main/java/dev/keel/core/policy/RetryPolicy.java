package dev.keel.core.policy;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.policy.RetryDecision.GiveUp;
import dev.keel.core.policy.RetryDecision.GiveUpReason;
import dev.keel.core.policy.RetryDecision.Retry;
import java.time.Duration;
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
     * The decision after {@code failure}: the upstream's {@code x-should-retry} (when present)
     * overrides the kind — {@code true} retries even a kind that is not retryable, {@code false} never
     * retries; then the request must be replayable and the attempt limit not reached; then the
     * upstream's Retry-After, or else the backoff drawn from {@code random}, must fit before {@code
     * deadline} with a minimal attempt after it.
     */
    public RetryDecision decide(FailedAttempt failure, Deadline deadline, RandomGenerator random) {
        KeelException error = failure.error();
        ErrorKind kind = error.kind();
        Boolean shouldRetry = error.shouldRetry();
        Duration retryAfter = error.retryAfter();
        int attemptsSoFar = error.attempts();
        if (Boolean.FALSE.equals(shouldRetry)) {
            return new GiveUp(GiveUpReason.NOT_RETRYABLE, "the upstream said x-should-retry: false");
        }
        if (!kind.retryable() && !Boolean.TRUE.equals(shouldRetry)) {
            return new GiveUp(GiveUpReason.NOT_RETRYABLE, kind + " is not worth another attempt");
        }
        if (!failure.replayable()) {
            return new GiveUp(GiveUpReason.NOT_REPLAYABLE, "the request cannot be sent again");
        }
        if (attemptsSoFar >= config.maxAttempts()) {
            return new GiveUp(
                    GiveUpReason.ATTEMPTS_EXHAUSTED, attemptsSoFar + " of " + config.maxAttempts() + " attempts made");
        }
        if (retryAfter != null) {
            return fits(retryAfter, deadline)
                    ? new Retry(retryAfter, kind)
                    : new GiveUp(
                            GiveUpReason.RETRY_AFTER_TOO_LONG,
                            "Retry-After " + retryAfter.toMillis() + " ms does not fit in the "
                                    + deadline.remaining().toMillis() + " ms left");
        }
        Duration delay = config.backoff().delay(attemptsSoFar - 1, random);
        return fits(delay, deadline)
                ? new Retry(delay, kind)
                : new GiveUp(
                        GiveUpReason.DEADLINE,
                        "a " + delay.toMillis() + " ms wait and a "
                                + config.minAttemptTime().toMillis() + " ms attempt do not fit in the "
                                + deadline.remaining().toMillis() + " ms left");
    }

    private boolean fits(Duration wait, Deadline deadline) {
        return deadline.fits(wait.plus(config.minAttemptTime()));
    }

    public RetryPolicyConfig config() {
        return config;
    }
}
