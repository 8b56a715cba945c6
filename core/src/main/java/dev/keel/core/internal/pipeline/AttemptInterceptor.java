package dev.keel.core.internal.pipeline;

import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.ErrorClassifier;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.error.UpstreamError;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;

/**
 * One attempt: its timeout is {@code min(per-call, time left)}; an attempt is not started when no
 * time is left; a non-2xx answer becomes a {@link KeelException} of the classified kind; a timeout
 * that used up the call's budget becomes {@link DeadlineExceededException}; a 2xx to a streaming
 * call whose content type is not {@code text/event-stream} becomes a {@link ErrorKind#MALFORMED_RESPONSE}
 * saying the server answered without streaming. Failures keep what the upstream said ({@link
 * UpstreamError}) and its headers.
 */
final class AttemptInterceptor implements Interceptor {

    /** How much of a failed stream's body is read: enough for any error, bounded for any server. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Duration perCall;
    private final EventListener listener;
    private final InstantSource clock;

    /** @param clock the wall clock an HTTP-date {@code Retry-After} is measured from */
    AttemptInterceptor(Duration perCall, EventListener listener, InstantSource clock) {
        this.perCall = perCall;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        int attempt = chain.context().attempt() + 1;
        Duration own = chain.context().options().perCallTimeout();
        Duration timeout = chain.context().deadline().attemptTimeout(own != null ? own : perCall);
        CallContext c = chain.context().inAttempt(attempt, timeout);
        if (timeout.isZero()) {
            throw new DeadlineExceededException(chain.request().describe(), c.budget(), c.attempt() - 1, null);
        }
        listener.attemptStart(c, timeout);
        HttpResult result;
        try {
            result = chain.proceed(listener.attemptRequest(c, chain.request()), c);
        } catch (KeelException e) {
            listener.attemptEnd(c, 0, e, null, null);
            throw budgetSpent(c, e) ? deadline(chain, c, e) : e.withAttempts(c.attempt());
        }
        if (result.isSuccess() && !notAStream(chain, result)) {
            listener.attemptEnd(c, result.status(), null, result.timings(), result.protocol());
            return result.withAttempts(c.attempt());
        }
        KeelException error = result.isSuccess() ? notStreaming(chain, c, result) : statusError(chain, c, result);
        listener.attemptEnd(c, result.status(), error, result.timings(), result.protocol());
        throw error;
    }

    private static boolean budgetSpent(CallContext c, KeelException e) {
        return e.kind() == ErrorKind.TIMEOUT && c.deadline().isExpired();
    }

    private static KeelException deadline(Chain chain, CallContext c, KeelException e) {
        return new DeadlineExceededException(chain.request().describe(), c.budget(), c.attempt(), e);
    }

    /**
     * {@code POST /responses: HTTP 422 invalid_value: <message> [type=…, param=…] (request req_…)}:
     * what the upstream said, or the start of its body when it said it in another shape, kept whole
     * on the exception with the response headers.
     */
    private KeelException statusError(Chain chain, CallContext c, HttpResult r) {
        UpstreamError said = UpstreamError.of(readAll(r));
        ErrorKind kind = ErrorClassifier.ofStatus(r.status(), said.code());
        String message = chain.request().describe() + ": HTTP " + r.status()
                + (said.code() == null ? "" : " " + said.code()) + ": " + said.describe() + details(said)
                + (r.requestId() == null ? "" : " (request " + r.requestId() + ")");
        return KeelException.of(kind, message)
                .answer(r.status(), said, r.headers())
                .attempts(c.attempt())
                .retryAfter(RetryHints.retryAfter(r, clock))
                .shouldRetry(RetryHints.shouldRetry(r))
                .build();
    }

    /**
     * Whether a call that asked for a stream got a 2xx whose content type says it is not one (a
     * server that ignores {@code stream: true}, or answers an error with 200). Without a content
     * type the body is read as a stream.
     */
    private static boolean notAStream(Chain chain, HttpResult r) {
        String type = r.header("content-type");
        return chain.request().streaming()
                && type != null
                && !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
    }

    private static KeelException notStreaming(Chain chain, CallContext c, HttpResult r) {
        UpstreamError said = UpstreamError.of(readAll(r));
        String error = said.message() == null
                ? ""
                : "; it said: " + (said.code() == null ? "" : said.code() + ": ") + said.message();
        String message = chain.request().describe() + ": the server answered without streaming (HTTP " + r.status()
                + ", content-type " + r.header("content-type") + ", not text/event-stream) although the request"
                + " asked for stream: true" + error + ". The server may not support streaming here: call"
                + " without stream, or check the base URL"
                + (r.requestId() == null ? "" : " (request " + r.requestId() + ")");
        return KeelException.of(ErrorKind.MALFORMED_RESPONSE, message)
                .answer(r.status(), said, r.headers())
                .attempts(c.attempt())
                .build();
    }

    private static String details(UpstreamError said) {
        if (said.type() == null && said.param() == null) {
            return "";
        }
        return " [" + (said.type() == null ? "" : "type=" + said.type())
                + (said.type() != null && said.param() != null ? ", " : "")
                + (said.param() == null ? "" : "param=" + said.param()) + "]";
    }

    /** The body of a failed answer; of a stream, its first {@value #MAX_ERROR_BODY} bytes. */
    private static byte[] readAll(HttpResult r) {
        if (r.stream() == null) {
            return r.body();
        }
        try (InputStream in = r.stream()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return ("the error body could not be read: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
        } finally {
            r.close();
        }
    }
}
