package dev.keel.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.idempotency.IdempotencyInProgressException;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.ToolExecutionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KeelExceptionTest {

    @Test
    void builder_answer_keepsWhatTheUpstreamSaidAndItsHeaders() {
        var said = UpstreamError.of(
                "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var e = KeelException.of(ErrorKind.RATE_LIMITED, "HTTP 429")
                .answer(
                        429,
                        said,
                        Map.of("x-request-id", List.of("req_1"), "x-ratelimit-remaining-requests", List.of("0")))
                .attempts(2)
                .retryAfter(Duration.ofSeconds(3))
                .shouldRetry(Boolean.TRUE)
                .build();

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.requestId()).isEqualTo("req_1");
        assertThat(e.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(e.errorMessage()).isEqualTo("slow down");
        assertThat(e.header("X-RateLimit-Remaining-Requests")).isEqualTo("0");
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(e.shouldRetry()).isTrue();
    }

    @Test
    void builder_byDefault_isAFailureWithNoAnswerAndNoAttempt() {
        var e = KeelException.of(ErrorKind.NETWORK, "reset").build();

        assertThat(e.status()).isZero();
        assertThat(e.attempts()).isZero();
        assertThat(e.requestId()).isNull();
        assertThat(e.headers()).isEmpty();
        assertThat(e.upstreamError()).isNull();
    }

    static List<KeelException> subtypes() {
        var key = IdempotencyKey.of("t", "w", "b", "s");
        return List.of(
                new CircuitOpenException("POST /responses gpt-4.1-mini", Duration.ofSeconds(20), 0),
                new DeadlineExceededException("POST /responses", Duration.ofSeconds(30), 1, null),
                new InFlightLimitException(64, Duration.ofSeconds(1)),
                new StreamTruncatedException(7, "req_9", null),
                new IdempotencyInProgressException(key),
                new ToolExecutionException(key, new IllegalStateException("boom")),
                KeelException.of(ErrorKind.SERVER_ERROR, "HTTP 503").status(503).build());
    }

    @ParameterizedTest
    @MethodSource("subtypes")
    void withAttempts_keepsTheSubtypeTheMessageAndTheSuppressed(KeelException e) {
        var earlier = KeelException.of(ErrorKind.SERVER_ERROR, "first try").build();
        e.addSuppressed(earlier);

        KeelException copy = e.withAttempts(3);

        assertThat(copy).isExactlyInstanceOf(e.getClass());
        assertThat(copy.attempts()).isEqualTo(3);
        assertThat(copy.getMessage()).isEqualTo(e.getMessage());
        assertThat(copy.kind()).isEqualTo(e.kind());
        assertThat(copy.status()).isEqualTo(e.status());
        assertThat(copy.getSuppressed()).containsExactly(earlier);
        assertThat(copy.getStackTrace()).isEqualTo(e.getStackTrace());
    }

    @Test
    void withAttempts_onATruncatedStream_keepsTheEventCount() {
        var copy = (StreamTruncatedException) new StreamTruncatedException(7, "req_9", null).withAttempts(2);

        assertThat(copy.eventsReceived()).isEqualTo(7);
        assertThat(copy.requestId()).isEqualTo("req_9");
    }
}
