package dev.keel.core.error;

/**
 * The one unchecked root of keel's errors: what kind of failure, the HTTP status and request id when
 * the upstream answered, and how many attempts were made. Earlier attempts' failures are attached
 * with {@link #addSuppressed}. Immutable apart from suppressed exceptions.
 */
public class KeelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final int status;
    private final String requestId;
    private final String errorCode;
    private final int attempts;
    private final java.time.Duration retryAfter;
    private final Boolean shouldRetry;

    /**
     * @param status the HTTP status, or 0 when there was no answer
     * @param requestId the upstream's {@code x-request-id}, or null
     * @param errorCode the body's {@code error.code}, or null
     */
    public KeelException(
            ErrorKind kind,
            String message,
            int status,
            String requestId,
            String errorCode,
            int attempts,
            Throwable cause) {
        this(kind, message, status, requestId, errorCode, attempts, cause, null, null);
    }

    /**
     * @param retryAfter the upstream's {@code retry-after-ms} / {@code Retry-After}, or null
     * @param shouldRetry the upstream's {@code x-should-retry}, or null when absent
     */
    public KeelException(
            ErrorKind kind,
            String message,
            int status,
            String requestId,
            String errorCode,
            int attempts,
            Throwable cause,
            java.time.Duration retryAfter,
            Boolean shouldRetry) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.requestId = requestId;
        this.errorCode = errorCode;
        this.attempts = attempts;
        this.retryAfter = retryAfter;
        this.shouldRetry = shouldRetry;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** The upstream's request id, or null. */
    public String requestId() {
        return requestId;
    }

    /** The OpenAI error code ({@code rate_limit_exceeded}, …), or null. */
    public String errorCode() {
        return errorCode;
    }

    /** How many upstream attempts were made (0 when the call was refused before any). */
    public int attempts() {
        return attempts;
    }

    /** How long the upstream asked to wait before trying again, or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** The upstream's {@code x-should-retry} verdict, or null when it gave none. */
    public Boolean shouldRetry() {
        return shouldRetry;
    }

    /** A copy that records {@code attempts}, keeping everything else. */
    public KeelException withAttempts(int attempts) {
        var copy = new KeelException(
                kind, getMessage(), status, requestId, errorCode, attempts, getCause(), retryAfter, shouldRetry);
        for (Throwable s : getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }
}
