package dev.keel.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.ErrorClassifier;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.json.Json;
import dev.keel.core.json.JsonSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One attempt: its timeout is {@code min(per-call, time left)}; an attempt is not started when no
 * time is left; a non-2xx answer becomes a {@link KeelException} of the classified kind; a timeout
 * that used up the call's budget becomes {@link DeadlineExceededException}.
 */
final class AttemptInterceptor implements Interceptor {

    private final Duration perCall;
    private final EventListener listener;

    AttemptInterceptor(Duration perCall, EventListener listener) {
        this.perCall = perCall;
        this.listener = listener;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        int attempt = chain.context().attempt() + 1;
        Duration timeout = chain.context().deadline().attemptTimeout(perCall);
        CallContext c = chain.context().inAttempt(attempt, timeout);
        if (timeout.isZero()) {
            throw new DeadlineExceededException(chain.request().describe(), c.budget(), c.attempt() - 1, null);
        }
        listener.attemptStart(c, timeout);
        HttpResult result;
        try {
            result = chain.proceed(chain.request(), c);
        } catch (KeelException e) {
            listener.attemptEnd(c, 0, e, null, null);
            throw budgetSpent(c, e) ? deadline(chain, c, e) : e.withAttempts(c.attempt());
        }
        if (result.isSuccess()) {
            listener.attemptEnd(c, result.status(), null, result.timings(), result.protocol());
            return result.withAttempts(c.attempt());
        }
        KeelException error = statusError(chain, c, result);
        listener.attemptEnd(c, result.status(), error, result.timings(), result.protocol());
        throw error;
    }

    private static boolean budgetSpent(CallContext c, KeelException e) {
        return e.kind() == ErrorKind.TIMEOUT && c.deadline().isExpired();
    }

    private static KeelException deadline(Chain chain, CallContext c, KeelException e) {
        return new DeadlineExceededException(chain.request().describe(), c.budget(), c.attempt(), e);
    }

    private static KeelException statusError(Chain chain, CallContext c, HttpResult r) {
        byte[] body = readAll(r);
        String message = "HTTP " + r.status();
        String code = null;
        try {
            JsonNode error = Json.parse(body).path("error");
            code = error.path("code").isTextual() ? error.get("code").asText() : null;
            message += (code == null ? "" : " " + code) + ": "
                    + error.path("message").asText("(no message)");
        } catch (JsonSyntaxException notJson) {
            message += " with a body that is not an OpenAI error";
        }
        ErrorKind kind = ErrorClassifier.ofStatus(r.status(), code);
        String where = chain.request().describe() + ": " + message
                + (r.requestId() == null ? "" : " (request " + r.requestId() + ")");
        return new KeelException(
                kind,
                where,
                r.status(),
                r.requestId(),
                code,
                c.attempt(),
                null,
                RetryHints.retryAfter(r),
                RetryHints.shouldRetry(r));
    }

    private static byte[] readAll(HttpResult r) {
        if (r.stream() == null) {
            return r.body();
        }
        try (InputStream in = r.stream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("{\"error\":{\"message\":\"" + e.getMessage() + "\"}}").getBytes(StandardCharsets.UTF_8);
        } finally {
            r.close();
        }
    }
}
