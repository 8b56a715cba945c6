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
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.requestId = requestId;
        this.errorCode = errorCode;
        this.attempts = attempts;
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

    /** A copy that records {@code attempts}, keeping kind, status, ids and cause. */
    public KeelException withAttempts(int attempts) {
        var copy = new KeelException(kind, getMessage(), status, requestId, errorCode, attempts, getCause());
        for (Throwable s : getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }
}
