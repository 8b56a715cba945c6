package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.policy.CircuitBreaker;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code keel} health component against an upstream that refuses every connection: UP after one
 * failed call, DEGRADED while a breaker is open, DOWN only once the error budget burns at paging speed
 * over enough calls.
 */
class KeelHealthIndicatorTest {

    private static int closedPort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ApplicationContextRunner runner() throws IOException {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class))
                .withPropertyValues(
                        "keel.upstream.api-key=sk-test-123456",
                        "keel.upstream.base-url=http://127.0.0.1:" + closedPort() + "/v1",
                        "keel.retry.max-attempts=1");
    }

    static boolean fail(KeelClient keel) {
        var body = JsonNodeFactory.instance
                .objectNode()
                .put("model", "gpt-4.1-mini")
                .put("input", "hi");
        try {
            keel.responses().create(body, CallOptions.defaults());
            return false;
        } catch (RuntimeException expected) {
            return true;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> online(Health h) {
        return (Map<String, Object>) h.getDetails().get("online");
    }

    @Test
    void oneFailedCall_isNotDown() throws IOException {
        runner().run(context -> {
            KeelClient keel = context.getBean(KeelClient.class);
            assertThat(fail(keel)).isTrue();
            Health h = context.getBean(KeelHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(online(h)).containsEntry("page", false).containsEntry("callsLast5m", 1L);
        });
    }

    @Test
    void anOpenBreaker_isDegraded_notDown() throws IOException {
        runner().withPropertyValues(
                        "keel.breaker.window=100ms",
                        "keel.breaker.min-calls=2",
                        "keel.breaker.open-for=1h",
                        "keel.degrade.min-calls=100000")
                .run(context -> {
                    KeelClient keel = context.getBean(KeelClient.class);
                    long end = System.nanoTime() + 20_000_000_000L;
                    while (!keel.breakerStates().containsValue(CircuitBreaker.State.OPEN) && System.nanoTime() < end) {
                        fail(keel);
                    }
                    assertThat(keel.breakerStates()).containsValue(CircuitBreaker.State.OPEN);
                    Health h = context.getBean(KeelHealthIndicator.class).health();
                    assertThat(h.getStatus()).isEqualTo(KeelHealthIndicator.DEGRADED);
                    assertThat(online(h).get("breakers").toString()).contains("OPEN");
                    assertThat(online(h)).containsEntry("page", false);
                });
    }

    @Test
    void aPagingBurnOverEnoughCalls_isDown() throws IOException {
        runner().withPropertyValues("keel.breaker.min-calls=100000", "keel.degrade.min-calls=100")
                .run(context -> {
                    KeelClient keel = context.getBean(KeelClient.class);
                    for (int i = 0; i < 99; i++) {
                        fail(keel);
                    }
                    var indicator = context.getBean(KeelHealthIndicator.class);
                    assertThat(indicator.health().getStatus())
                            .as("99 calls: below the volume that may page")
                            .isNotEqualTo(Status.DOWN);
                    fail(keel);
                    Health h = indicator.health();
                    assertThat(h.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(online(h)).containsEntry("page", true);
                });
    }
}
