package dev.keel.core.policy;

import dev.keel.core.error.ErrorKind;
import java.time.Duration;

/** What the retry layer does after a failed attempt: retry after a delay, or give up and why. Immutable. */
public sealed interface RetryDecision {

    /** Send the request again after {@code delay}; {@code reason} is the kind of failure retried (for {@code retry_total{reason}}). */
    record Retry(Duration delay, ErrorKind reason) implements RetryDecision {}

    /** Stop: the call fails with its last error. */
    record GiveUp(GiveUpReason reason, String detail) implements RetryDecision {}

    /** Why the retry layer stopped. */
    enum GiveUpReason {
        /** The failure cannot succeed on a resend (4xx, hard quota, …). */
        NOT_RETRYABLE,
        /** The request cannot be sent again (e.g. a stream after its first byte). */
        NOT_REPLAYABLE,
        /** The attempt limit is reached. */
        ATTEMPTS_EXHAUSTED,
        /** The wait plus a minimal attempt would pass the call's deadline. */
        DEADLINE,
        /** The server's Retry-After does not fit in the time left. */
        RETRY_AFTER_TOO_LONG,
        /** The retry budget is spent: retries already add their share of load. */
        BUDGET_EXHAUSTED
    }
}
