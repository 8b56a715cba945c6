package dev.keel.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one unchecked root of keel's errors: what kind of failure, the HTTP status and request id when
 * the upstream answered, and how many attempts were made. When the upstream answered, what it said
 * is kept ({@link Builder#answer}): the error body's message, type, param and code, the body itself
 * (bounded) and the response headers, so adapters can map the failure faithfully and people can
 * debug it. Earlier attempts' failures are attached with {@link #addSuppressed}. Immutable apart
 * from suppressed exceptions.
 *
 * <pre>{@code
 * throw KeelException.of(ErrorKind.NETWORK, "POST /responses: connection reset").attempts(1).cause(e).build();
 * }</pre>
 *
 * A subtype (a rejection such as {@link CircuitOpenException}) passes a builder to {@link
 * #KeelException(Builder)} and overrides {@link #withAttempts} so that recording the attempt count
 * keeps the subtype.
 */
public class KeelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final int status;
    private final String requestId;
    private final String errorCode;
    private final int attempts;
    private final Duration retryAfter;
    private final Boolean shouldRetry;
    private final UpstreamError upstream;
    private final Map<String, List<String>> headers;

    /** Built from {@code b}; for subtypes, which call it with their own kind and message. */
    protected KeelException(Builder b) {
        super(b.message, b.cause);
        this.kind = b.kind;
        this.status = b.status;
        this.requestId = b.requestId;
        this.errorCode = b.errorCode;
        this.attempts = b.attempts;
        this.retryAfter = b.retryAfter;
        this.shouldRetry = b.shouldRetry;
        this.upstream = b.upstream;
        this.headers = b.headers;
    }

    /** A builder for a failure of {@code kind}; everything else defaults to "no answer, no attempt". */
    public static Builder of(ErrorKind kind, String message) {
        return new Builder(kind, message);
    }

    /** A builder holding everything this failure holds, to change one thing. */
    public Builder toBuilder() {
        var b = new Builder(kind, getMessage())
                .status(status)
                .requestId(requestId)
                .errorCode(errorCode)
                .attempts(attempts)
                .cause(getCause())
                .retryAfter(retryAfter)
                .shouldRetry(shouldRetry);
        b.upstream = upstream;
        b.headers = headers;
        return b;
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
    public Duration retryAfter() {
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

    /**
     * A copy that records {@code attempts}, keeping everything else: the subtype, the stack trace and
     * the suppressed earlier failures.
     */
    public KeelException withAttempts(int attempts) {
        return keepTrace(new KeelException(toBuilder().attempts(attempts)));
    }

    /** {@code copy} with this failure's stack trace and suppressed failures; for {@link #withAttempts}. */
    protected final <E extends KeelException> E keepTrace(E copy) {
        copy.setStackTrace(getStackTrace());
        for (Throwable s : getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }

    /** Builds a {@link KeelException}; not thread-safe. */
    public static final class Builder {
        private final ErrorKind kind;
        private final String message;
        private int status;
        private String requestId;
        private String errorCode;
        private int attempts;
        private Throwable cause;
        private Duration retryAfter;
        private Boolean shouldRetry;
        private UpstreamError upstream;
        private Map<String, List<String>> headers = Map.of();

        private Builder(ErrorKind kind, String message) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.message = message;
        }

        /** The HTTP status of the answer, or 0 (the default) when there was none. */
        public Builder status(int v) {
            status = v;
            return this;
        }

        /** The upstream's {@code x-request-id}, or null. */
        public Builder requestId(String v) {
            requestId = v;
            return this;
        }

        /** The body's {@code error.code}, or null. */
        public Builder errorCode(String v) {
            errorCode = v;
            return this;
        }

        /** Upstream attempts made so far (default 0: refused before any). */
        public Builder attempts(int v) {
            attempts = v;
            return this;
        }

        public Builder cause(Throwable v) {
            cause = v;
            return this;
        }

        /** The upstream's {@code retry-after-ms} / {@code Retry-After}, or null. */
        public Builder retryAfter(Duration v) {
            retryAfter = v;
            return this;
        }

        /** The upstream's {@code x-should-retry}, or null when absent. */
        public Builder shouldRetry(Boolean v) {
            shouldRetry = v;
            return this;
        }

        /**
         * The upstream answered {@code status}: keeps what it said ({@code error}, whose code becomes
         * {@link KeelException#errorCode()}) and its response headers (copied; {@code x-request-id}
         * becomes {@link KeelException#requestId()}).
         *
         * @param headers the response headers by lower-case name
         */
        public Builder answer(int status, UpstreamError error, Map<String, List<String>> headers) {
            this.status = status;
            this.upstream = error;
            this.errorCode = error == null ? null : error.code();
            this.headers = Map.copyOf(headers);
            List<String> id = this.headers.get("x-request-id");
            this.requestId = id == null || id.isEmpty() ? null : id.get(0);
            return this;
        }

        public KeelException build() {
            return new KeelException(this);
        }
    }
}
