package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import org.junit.jupiter.api.Test;

/** Regression: an upstream 401 without WWW-Authenticate is an AUTH answer with its status, not a network failure. */
class AuthStatusTest {

    @Test
    void call_withAKeyTheUpstreamRefuses_failsAsAuthWithStatus401() {
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().requiredKey("sk-test-right").build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-wrong", emulator.baseUrl())
                                .build())
                        .build()) {
            assertThatThrownBy(() -> client.realtime().clientSecrets().create(Json.object(), CallOptions.defaults()))
                    .isInstanceOfSatisfying(KeelException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.errorCode()).isEqualTo("invalid_api_key");
                    });
        }
    }
}
