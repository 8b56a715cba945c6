package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.worker-threads}: a pool of platform threads instead of a virtual thread per request.
 * More streams at once than the pool has threads all finish whole (the rest wait for a thread).
 */
class WorkerThreadsTest {

    @Test
    void aPoolOfEightPlatformThreads_servesThirtyConcurrentStreamsWhole() throws Exception {
        var k = issue("pool", KeyLimits.NONE);
        try (var emulator = Emulator.start();
                var gateway = GatewayFixture.start(
                        emulator,
                        GatewayKeys.of(List.of(k.key())),
                        GatewaySettings.ofDefaults().withPort(0).withWorkerThreads(8),
                        b -> b)) {
            assertThat(Json.parse(GatewayFixture.get(gateway, "/debug/config", null)
                                    .body())
                            .path("gateway")
                            .path("worker_threads")
                            .asInt())
                    .isEqualTo(8);
            var pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                var calls = new ArrayList<Callable<HttpResponse<String>>>();
                for (int i = 0; i < 30; i++) {
                    calls.add(() -> post(
                            gateway,
                            "/responses",
                            k.secret(),
                            "{\"model\":\"gpt-4.1-mini\",\"input\":\"Count\",\"stream\":true}"));
                }
                for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                    assertThat(f.get().statusCode()).isEqualTo(200);
                    assertThat(f.get().body()).contains("response.completed");
                }
            } finally {
                pool.shutdown();
            }
            assertThat(emulator.requests("POST", "/v1/responses")).hasSize(30);
        }
    }

    @Test
    void fewerThanEightWorkers_isRefusedNamingTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> GatewaySettings.ofDefaults().withWorkerThreads(4))
                .hasMessageContaining("worker threads must be 0 (virtual threads) or at least 8");
    }
}
