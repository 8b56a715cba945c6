package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.testing.Http11Server;
import dev.keel.core.testing.Http11Server.Answer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A call marked {@link HttpCall#notReplayable()} (a body its producer can give only once) is sent
 * exactly once, even on a retryable failure, while the same call left replayable is retried.
 */
class NotReplayableCallTest {

    private static final String UNAVAILABLE = "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}";
    private static final String OK = "{\"id\":\"file-1\",\"object\":\"file\"}";

    private static HttpCall upload() {
        return new HttpCall(
                "POST",
                "/files",
                java.util.Map.of(),
                "application/octet-stream",
                "once".getBytes(StandardCharsets.UTF_8),
                false);
    }

    @Test
    void execute_notReplayableCallMeets503_givesUpAfterOneUpstreamAttempt() {
        try (var server = Http11Server.start(Answer.json(503, UNAVAILABLE), Answer.json(200, OK));
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-seam", server.baseUrl())
                                .build())
                        .sleeper(d -> {})
                        .build()) {
            assertThat(upload().replayable()).isTrue();
            assertThat(upload().notReplayable().withHeader("X-A", "b").replayable())
                    .isFalse();
            assertThatThrownBy(() -> client.execute(upload().notReplayable(), CallOptions.defaults()))
                    .isInstanceOfSatisfying(KeelException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.attempts()).isEqualTo(1);
                    });
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void execute_replayableCallMeets503_isRetriedAndSucceeds() {
        try (var server = Http11Server.start(Answer.json(503, UNAVAILABLE), Answer.json(200, OK));
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-seam", server.baseUrl())
                                .build())
                        .sleeper(d -> {})
                        .build()) {
            var r = client.execute(upload(), CallOptions.defaults());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(server.requests()).hasSize(2);
        }
    }
}
