package dev.keel.core.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.time.Sleeper;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tool loop against the emulator: the model calls the tool, gets its output, answers; side effects happen once. */
class ToolLoopTest {

    private static final String PARAMS = "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},"
            + "\"required\":[\"order\"],\"additionalProperties\":false}";

    private static ExactlyOnceToolExecutor executor() {
        return new ExactlyOnceToolExecutor(
                new MemoryIdempotencyStore(InstantSource.system()),
                Duration.ofMinutes(15),
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Sleeper.SYSTEM);
    }

    @Test
    void run_toolCalledOnce_evenWhenTheModelCallIsRetriedAndTheWorkflowRerun() {
        var script = List.of(FaultSpec.parse("status:503"), FaultSpec.parse("ok"), FaultSpec.parse("status:500"));
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        var registry = new SimpleMeterRegistry();
        var refunds = new AtomicInteger();
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-tools", emulator.baseUrl())
                                .build())
                        .build()) {
            var store = new MemoryIdempotencyStore(InstantSource.system());
            var executor = new ExactlyOnceToolExecutor(
                    store, Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofMillis(10), Sleeper.SYSTEM);
            executor.bindTo(registry);
            var loop = new ToolLoop(client, executor, registry, 4);
            var refund = new ToolLoop.Tool(
                    "issue_refund", Json.parse(PARAMS), true, args -> "refund-" + refunds.incrementAndGet());
            var wf = new ToolLoop.Workflow("acme", "refund", "order-42");
            var request = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Refund order 42 with issue_refund\"}");

            ToolLoop.Result first = loop.run(wf, request, List.of(refund), Duration.ofSeconds(20));
            ToolLoop.Result rerun = loop.run(wf, request, List.of(refund), Duration.ofSeconds(20));

            assertThat(first.steps()).isEqualTo(2);
            assertThat(first.text()).contains("issue_refund -> refund-1");
            assertThat(rerun.text()).contains("issue_refund -> refund-1");
            assertThat(refunds.get()).as("the side effect ran once").isEqualTo(1);
            assertThat(first.partial()).isFalse();
            assertThat(registry.get("tool_call")
                            .tag("tool", "issue_refund")
                            .tag("status", "executed")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("tool_call")
                            .tag("tool", "issue_refund")
                            .tag("status", "replayed")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("idempotency_suppressed").functionCounter().count())
                    .isEqualTo(1);
            var modelCalls = emulator.requests("POST", "/v1/responses");
            assertThat(modelCalls.get(0).header("idempotency-key")).contains("idem:acme:refund:order-42:model-1");
            assertThat(modelCalls.get(1).header("idempotency-key"))
                    .as("the retry carries the same key")
                    .contains("idem:acme:refund:order-42:model-1");
        }
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(booleans = {true, false})
    void run_reasoningModel_echoesWhatTheApiRequires_andTheSideEffectRunsOnce(boolean store) {
        var refunds = new AtomicInteger();
        try (var emulator = Emulator.start();
                var client = KeelClient.builder(KeelClientConfig.builder("sk-tools", emulator.baseUrl())
                                .build())
                        .build()) {
            var loop = new ToolLoop(client, executor(), new SimpleMeterRegistry(), 4);
            var refund = new ToolLoop.Tool(
                    "issue_refund", Json.parse(PARAMS), true, args -> "refund-" + refunds.incrementAndGet());
            var request = Json.object()
                    .put("model", "gpt-5-mini")
                    .put("input", "Refund order 42 with issue_refund")
                    .put("store", store);

            ToolLoop.Result result = loop.run(
                    new ToolLoop.Workflow("acme", "refund", "order-42"),
                    request,
                    List.of(refund),
                    Duration.ofSeconds(20));

            assertThat(result.steps()).isEqualTo(2);
            assertThat(result.text()).contains("issue_refund -> refund-1");
            assertThat(refunds.get()).isEqualTo(1);
            var first = emulator.requests("POST", "/v1/responses").get(0);
            assertThat(Json.parse(first.body()).path("include").toString())
                    .as("with store false the loop asks for the reasoning's encrypted content")
                    .isEqualTo(store ? "" : "[\"reasoning.encrypted_content\"]");
        }
    }

    @Test
    void run_modelRefusesTheStepAfterASideEffect_failsTyped_andTheRerunCompletesWithoutRunningItAgain() {
        // Step 1 is answered, step 2 refused with a final 400 (as the API refused the old loop's echo).
        var plan = new FaultPlan(
                1,
                List.of(FaultRule.scripted(
                        "POST /v1/responses", List.of(FaultSpec.parse("ok"), FaultSpec.parse("status:400")))));
        var refunds = new AtomicInteger();
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-tools", emulator.baseUrl())
                                .build())
                        .build()) {
            var loop = new ToolLoop(client, executor(), new SimpleMeterRegistry(), 4);
            var refund = new ToolLoop.Tool(
                    "issue_refund", Json.parse(PARAMS), true, args -> "refund-" + refunds.incrementAndGet());
            var wf = new ToolLoop.Workflow("acme", "refund", "order-43");
            var request = Json.parse(
                    "{\"model\":\"gpt-5-mini\",\"store\":false,\"input\":\"Refund order 43 with issue_refund\"}");

            assertThatThrownBy(() -> loop.run(wf, request, List.of(refund), Duration.ofSeconds(20)))
                    .isInstanceOfSatisfying(ToolLoopException.class, e -> {
                        assertThat(e.step()).isEqualTo(2);
                        assertThat(e.tool()).isNull();
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                        assertThat(e.recordedTools()).containsExactly("s1-issue_refund-0");
                    })
                    .hasMessageContaining("workflow acme:refund:order-43 failed at step 2 calling the model")
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("a re-run replays them instead of running them again: s1-issue_refund-0");
            assertThat(refunds.get())
                    .as("the side effect ran before the failure, once")
                    .isEqualTo(1);

            ToolLoop.Result rerun = loop.run(wf, request, List.of(refund), Duration.ofSeconds(20));

            assertThat(rerun.text()).contains("issue_refund -> refund-1");
            assertThat(refunds.get())
                    .as("the re-run replayed the recorded result")
                    .isEqualTo(1);
        }
    }

    @Test
    void run_nonCriticalToolFails_answersWithPartial_criticalToolFailureFailsTheLoop() {
        try (var emulator = Emulator.start();
                var client = KeelClient.builder(KeelClientConfig.builder("sk-tools", emulator.baseUrl())
                                .build())
                        .build()) {
            var executor = new ExactlyOnceToolExecutor(
                    new MemoryIdempotencyStore(InstantSource.system()),
                    Duration.ofMinutes(15),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(10),
                    Sleeper.SYSTEM);
            var loop = new ToolLoop(client, executor, new SimpleMeterRegistry(), 4);
            var request = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Look up the order\"}");
            var flaky = new ToolLoop.Tool("lookup", Json.parse(PARAMS), false, args -> {
                throw new IllegalStateException("CRM timeout");
            });
            var result = loop.run(
                    new ToolLoop.Workflow("acme", "support", "t-1"), request, List.of(flaky), Duration.ofSeconds(20));
            assertThat(result.partial()).isTrue();
            assertThat(result.text()).contains("CRM timeout");
            var critical = new ToolLoop.Tool("lookup", Json.parse(PARAMS), true, args -> {
                throw new IllegalStateException("CRM down");
            });
            assertThatThrownBy(() -> loop.run(
                            new ToolLoop.Workflow("acme", "support", "t-2"),
                            request,
                            List.of(critical),
                            Duration.ofSeconds(20)))
                    .isInstanceOfSatisfying(ToolLoopException.class, e -> {
                        assertThat(e.step()).isEqualTo(1);
                        assertThat(e.tool()).isEqualTo("lookup");
                        assertThat(e.recordedTools()).isEmpty();
                    })
                    .hasMessageContaining("critical tool 'lookup'")
                    .hasRootCauseMessage("CRM down");
        }
    }
}
