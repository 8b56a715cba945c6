package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A retry storm: clients that retry twice on their own (as the official SDKs do by default, marking
 * each retry with {@code X-Stainless-Retry-Count}, and — worst case — ignoring {@code
 * x-should-retry}) call during a 10 s upstream outage. Straight to the upstream every logical call
 * costs 3 upstream calls; through the gateway (one retry layer with a budget, client retries
 * refused while the budget is spent) at most 1.2.
 */
class RetryStormTest {

    private static final String BODY = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";
    private static final int WORKERS = 8;
    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(
                EmulatorConfig.builder().recordCapacity(1_000_000).build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** What a storm did: logical client calls, and the last answer a client retry got. */
    private record Storm(int logical, HttpResponse<String> lastRetryAnswer) {}

    /** Workers each run logical calls (1 try + 2 retries, no wait) against {@code base} for {@code length}. */
    private static Storm storm(URI base, String key, Duration length) throws Exception {
        var logical = new AtomicInteger();
        var lastRetry = new AtomicReference<HttpResponse<String>>();
        long end = System.nanoTime() + length.toNanos();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int w = 0; w < WORKERS; w++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        logical.incrementAndGet();
                        for (int attempt = 0; attempt < 3; attempt++) {
                            var r = GatewayFixture.send(HttpRequest.newBuilder(URI.create(base + "/responses"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json")
                                    .header("X-Stainless-Retry-Count", Integer.toString(attempt))
                                    .POST(HttpRequest.BodyPublishers.ofString(BODY))
                                    .build());
                            if (attempt > 0) {
                                lastRetry.set(r);
                            }
                            if (r.statusCode() < 500 && r.statusCode() != 429) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
        return new Storm(logical.get(), lastRetry.get());
    }

    @Test
    void outage_clientsRetryingTwice_costAtMost1point2UpstreamCallsPerLogicalCall_throughTheGateway() throws Exception {
        var key = issue("storm", new KeyLimits(0, 0, 0, null, null, true));
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=status:503"))));
        try (var gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(key.key())),
                GatewaySettings.ofDefaults().withPort(0),
                b -> b)) {
            emulator.clearRequests();
            Storm direct = storm(emulator.baseUrl(), "sk-direct", Duration.ofSeconds(2));
            double directRatio = emulator.requests("POST", "/v1/responses").size() / (double) direct.logical();

            emulator.clearRequests();
            Storm through = storm(gateway.baseUrl(), key.secret(), Duration.ofSeconds(10));
            int upstream = emulator.requests("POST", "/v1/responses").size();
            double ratio = upstream / (double) through.logical();
            System.out.printf(
                    "storm: direct %.2f upstream calls per logical call (%d logical); through the gateway %.3f (%d upstream"
                            + " / %d logical)%n",
                    directRatio, direct.logical(), ratio, upstream, through.logical());
            assertThat(directRatio)
                    .as("direct: every client retry reaches the upstream")
                    .isEqualTo(3.0);
            assertThat(ratio).as("through the gateway").isLessThanOrEqualTo(1.2);
            assertThat(through.lastRetryAnswer().headers().firstValue("x-keel-client-retries"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("disable"));
            assertThat(Json.parse(through.lastRetryAnswer().body())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("keel_nested_retry_refused");
            String metrics = GatewayFixture.get(gateway, "/metrics", null).body();
            assertThat(metrics)
                    .containsPattern("gateway_nested_retries_total\\{key=\"storm\",team=\"team-storm\"} [1-9]");
        } finally {
            emulator.replaceFaults(FaultPlan.NONE);
        }
    }
}
