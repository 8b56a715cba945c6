package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.testing.Http11Server;
import dev.keel.core.testing.Http11Server.Answer;
import org.junit.jupiter.api.Test;

/**
 * A call's own attempt limit ({@link CallOptions#withMaxAttempts}) caps the client's retries for
 * that call alone: the same client retries the next call as configured.
 */
class CallAttemptLimitTest {

    private static final String UNAVAILABLE = "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}";
    private static final String OK = "{\"id\":\"batch_1\",\"object\":\"batch\"}";

    private static HttpCall create() {
        return HttpCall.postJson("/batches", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void execute_withOneAttempt_meets503_givesUpAfterOneUpstreamAttempt_andTheNextCallIsRetried() {
        try (var server = Http11Server.start(
                        Answer.json(503, UNAVAILABLE), Answer.json(503, UNAVAILABLE), Answer.json(200, OK));
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-limit", server.baseUrl())
                                .build())
                        .sleeper(d -> {})
                        .build()) {
            assertThatThrownBy(() ->
                            client.execute(create(), CallOptions.defaults().withMaxAttempts(1)))
                    .isInstanceOfSatisfying(KeelException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.attempts()).isEqualTo(1);
                    });
            assertThat(server.requests()).hasSize(1);

            var r = client.execute(create(), CallOptions.defaults());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.attempts())
                    .as("the client's own limit still applies to other calls")
                    .isEqualTo(2);
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void withMaxAttempts_belowOne_isRefused() {
        assertThatThrownBy(() -> CallOptions.defaults().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
