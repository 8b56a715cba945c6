package dev.keel.core.error;

/**
 * What went wrong with a call, in a closed set every policy can switch on. Whether a kind is worth
 * retrying is a property of the kind ({@link #retryable()}); whether a particular request may be
 * re-sent is decided by the retry layer.
 */
public enum ErrorKind {
    /** 429 rate limited (recoverable by waiting). */
    RATE_LIMITED(true),
    /** 429 with a hard-quota code such as {@code insufficient_quota}: waiting will not help. */
    QUOTA_EXHAUSTED(false),
    /** 500, 502, 503, 504 and other 5xx. */
    SERVER_ERROR(true),
    /** 408 or 409: the upstream asks to try again. */
    TRANSIENT_CONFLICT(true),
    /** The attempt timed out (connect or response) while the call's budget still had room. */
    TIMEOUT(true),
    /** Connection refused, reset or closed before an answer. */
    NETWORK(true),
    /** A stream ended after its first byte without its terminal event. */
    STREAM_TRUNCATED(false),
    /** The answer was not the JSON the API promises. */
    MALFORMED_RESPONSE(false),
    /** 401 or 403. */
    AUTH(false),
    /** 404. */
    NOT_FOUND(false),
    /** 400, 422 and other 4xx: the request itself is wrong. */
    INVALID_REQUEST(false),
    /** The call's business budget ran out. */
    DEADLINE_EXCEEDED(false),
    /** The in-flight limit stayed full for the whole time left. */
    IN_FLIGHT_LIMIT(false),
    /** The circuit breaker is open: no upstream call was made. */
    CIRCUIT_OPEN(false),
    /** A tool's own code (a side effect the caller supplied) threw; nothing upstream failed. */
    TOOL_FAILED(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether an error of this kind can succeed if the same request is sent again. */
    /** The kind as a metric label or log value: {@code rate_limited}, {@code server_error}, … */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean retryable() {
        return retryable;
    }

    /** Whether this kind counts against the upstream's availability (SLO, degrade, breaker). */
    public boolean countsAsUpstreamFailure() {
        return retryable || this == DEADLINE_EXCEEDED || this == STREAM_TRUNCATED || this == MALFORMED_RESPONSE;
    }
}
