package dev.keel.core.error;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one unchecked root of keel's errors: what kind of failure, the HTTP status and request id when
 * the upstream answered, and how many attempts were made. When the upstream answered, what it said
 * is kept ({@link #fromAnswer}): the error body's message, type, param and code, the body itself
 * (bounded) and the response headers, so adapters can map the failure faithfully and people can
 * debug it. Earlier attempts' failures are attached with {@link #addSuppressed}. Immutable apart
 * from suppressed exceptions.
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
    private final UpstreamError upstream;
    private final Map<String, List<String>> headers;

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
        this(kind, message, status, requestId, errorCode, attempts, cause, retryAfter, shouldRetry, null, Map.of());
    }

    private KeelException(
            ErrorKind kind,
            String message,
            int status,
            String requestId,
            String errorCode,
            int attempts,
            Throwable cause,
            java.time.Duration retryAfter,
            Boolean shouldRetry,
            UpstreamError upstream,
            Map<String, List<String>> headers) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.requestId = requestId;
        this.errorCode = errorCode;
        this.attempts = attempts;
        this.retryAfter = retryAfter;
        this.shouldRetry = shouldRetry;
        this.upstream = upstream;
        this.headers = headers;
    }

    /**
     * A failure the upstream answered: keeps what it said ({@code error}) and its response headers.
     * The request id is the {@code x-request-id} header, the error code the body's {@code code}.
     *
     * @param headers the response headers by lower-case name (copied)
     */
    public static KeelException fromAnswer(
            ErrorKind kind,
            String message,
            int status,
            int attempts,
            UpstreamError error,
            Map<String, List<String>> headers,
            java.time.Duration retryAfter,
            Boolean shouldRetry) {
        Map<String, List<String>> kept = Map.copyOf(headers);
        List<String> id = kept.get("x-request-id");
        return new KeelException(
                kind,
                message,
                status,
                id == null || id.isEmpty() ? null : id.get(0),
                error == null ? null : error.code(),
                attempts,
                null,
                retryAfter,
                shouldRetry,
                error,
                kept);
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

    /**
     * What the upstream said (message, type, param, code, the body as text), or null when no answer
     * arrived or the failure was keel's own (a timeout, a refusal before any attempt).
     */
    public UpstreamError upstreamError() {
        return upstream;
    }

    /** The upstream error's {@code message} (or the equivalent of a non-OpenAI body), or null. */
    public String errorMessage() {
        return upstream == null ? null : upstream.message();
    }

    /** The upstream error's {@code type} ({@code invalid_request_error}, …), or null. */
    public String errorType() {
        return upstream == null ? null : upstream.type();
    }

    /** The request field the upstream error is about ({@code param}), or null. */
    public String errorParam() {
        return upstream == null ? null : upstream.param();
    }

    /** The answer's body as text, at most {@value UpstreamError#MAX_RAW_CHARS} characters, or null. */
    public String rawBody() {
        return upstream == null ? null : upstream.rawBody();
    }

    /**
     * The answer's response headers by lower-case name ({@code x-request-id}, {@code
     * x-ratelimit-remaining-requests}, {@code retry-after}, …); empty when no answer arrived.
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of response header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A copy that records {@code attempts}, keeping everything else. */
    public KeelException withAttempts(int attempts) {
        var copy = new KeelException(
                kind,
                getMessage(),
                status,
                requestId,
                errorCode,
                attempts,
                getCause(),
                retryAfter,
                shouldRetry,
                upstream,
                headers);
        for (Throwable s : getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }
}
