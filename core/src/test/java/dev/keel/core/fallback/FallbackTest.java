package dev.keel.core.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.ResultSource;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.time.Sleeper;
import dev.keel.core.tools.ToolLoop;
import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fallbacks while a breaker is open, over real sockets: the breaker is forced open with injected
 * 503s, then calls are answered from the last good answer or a registered fallback (flagged partial,
 * no upstream call), critical calls fail, and a tool loop skips a non-critical tool whose own call the
 * breaker refuses.
 */
class FallbackTest {

    private static final JsonNode HELLO = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
    private static final CallOptions NON_CRITICAL = CallOptions.defaults().withCritical(false);
    private static final String PARAMS = "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},"
            + "\"required\":[\"order\"],\"additionalProperties\":false}";

    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Emulator emulator;
    private KeelClient client;

    @BeforeEach
    void start() {
        emulator = Emulator.start();
        var config = KeelClientConfig.builder("sk-test-fallback", emulator.baseUrl())
                .breaker(new CircuitBreakerConfig(Duration.ofSeconds(30), 5, 0.25, Duration.ofSeconds(20), 1))
                .retry(new RetryPolicyConfig(
                        1, Backoff.exponentialFullJitter(Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ZERO))
                .build();
        client = KeelClient.builder(config)
                .ticker(clock)
                .meterRegistry(registry)
                .fallback((call, options) -> call.path().equals("/responses")
                        ? Optional.of(Json.object().put("status", "completed").put("note", "canned"))
                        : Optional.empty())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    /** Two consecutive 30 s windows of five injected 503s each open gpt-4.1-mini's breaker on /responses. */
    private void openTheBreaker() {
        var failing = HttpCall.postJson("/responses", Json.writeBytes(HELLO)).withHeader("x-keel-fault", "status:503");
        for (int window = 0; window < 2; window++) {
            clock.advance(Duration.ofSeconds(30 * window));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.execute(failing, CallOptions.defaults()))
                        .isInstanceOf(KeelException.class)
                        .isNotInstanceOf(CircuitOpenException.class);
            }
        }
        emulator.clearRequests();
    }

    @Test
    void openBreaker_servesLastGoodAnswerThenRegisteredFallback_flaggedPartial_andNoUpstreamCall() {
        KeelResponse good =
                client.responses().create(HELLO, CallOptions.defaults().withFallbackKey("hello"));
        openTheBreaker();

        KeelResponse kept = client.responses().create(HELLO, NON_CRITICAL.withFallbackKey("hello"));
        KeelResponse canned = client.responses().create(HELLO, NON_CRITICAL);

        assertThat(kept.partial()).isTrue();
        assertThat(kept.source()).isEqualTo(ResultSource.LAST_KNOWN_GOOD);
        assertThat(kept.json()).isEqualTo(good.json());
        assertThat(kept.summary()).contains("served=last_known_good partial=true");
        assertThat(canned.source()).isEqualTo(ResultSource.FALLBACK);
        assertThat(canned.json().get("note").asText()).isEqualTo("canned");
        assertThatThrownBy(() ->
                        client.responses().create(HELLO, CallOptions.defaults().withFallbackKey("hello")))
                .as("a critical call gets the breaker's error")
                .isInstanceOf(CircuitOpenException.class);
        assertThat(emulator.requests()).as("no upstream call while open").isEmpty();
        assertThat(registry.get("fallback")
                        .tag("source", "last_known_good")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("fallback").tag("source", "fallback").counter().count())
                .isEqualTo(1);
        assertThat(client.errorBudget().status().burnRates().values())
                .as("served fallbacks count neither as successes nor as failures: 10 failed of 11 counted")
                .allSatisfy(rate ->
                        assertThat(rate).isCloseTo((10.0 / 11) / 0.005, org.assertj.core.api.Assertions.within(1e-6)));
    }

    @Test
    void toolLoop_nonCriticalToolRefusedByTheOpenBreaker_isSkippedAndRecorded_resultPartial() throws Exception {
        openTheBreaker();
        var enrichments = new AtomicInteger();
        var executor = new ExactlyOnceToolExecutor(
                new MemoryIdempotencyStore(InstantSource.system()),
                Duration.ofMinutes(15),
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Sleeper.SYSTEM);
        var loop = new ToolLoop(client, executor, registry, 4);
        // The tool makes its own (critical) model call on gpt-4.1-mini, whose breaker is open.
        var enrich = new ToolLoop.Tool("enrich", Json.parse(PARAMS), false, args -> {
            enrichments.incrementAndGet();
            return client.responses()
                    .create(HELLO, CallOptions.defaults())
                    .json()
                    .toString();
        });
        var request = Json.parse("{\"model\":\"gpt-4o\",\"input\":\"Summarise order 7 with enrich\"}");

        ToolLoop.Result result = loop.run(
                new ToolLoop.Workflow("acme", "summary", "order-7"), request, List.of(enrich), Duration.ofSeconds(20));

        assertThat(result.partial()).isTrue();
        assertThat(result.skippedTools()).containsExactly("s1-enrich-0");
        assertThat(result.steps()).isEqualTo(2);
        assertThat(result.text()).contains("unavailable");
        assertThat(registry.get("tool_call")
                        .tag("tool", "enrich")
                        .tag("status", "skipped")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(emulator.requests("POST", "/v1/responses"))
                .as("the two model calls of the loop went upstream; the tool's call did not")
                .hasSize(2)
                .allSatisfy(r ->
                        assertThat(Json.parse(r.body()).get("model").asText()).isEqualTo("gpt-4o"));
        assertThat(enrichments.get()).isEqualTo(1);
    }
}
