package dev.keel.structured;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.structured.decode.DecodeListener;
import dev.keel.structured.decode.DecodeLog;
import dev.keel.structured.decode.DecodeMetrics;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.decode.Decoded;
import dev.keel.structured.decode.RecordingDecodeListener;
import dev.keel.structured.rollout.Arm;
import dev.keel.structured.rollout.AutoRollbackConfig;
import dev.keel.structured.rollout.RecordingRolloutListener;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutConfig;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.tickets.TicketDecoders;
import dev.keel.structured.tickets.TicketV2;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Structured calls through keel's pipeline against the emulator over real sockets, with bad samples
 * injected by the emulator's seeded fault plan.
 */
class StructuredEndToEndTest {

    private static final SchemaRegistry REGISTRY = TicketDecoders.registry();
    private static final long SEED = 2026;
    /** About 10 % bad samples of every kind, tried in order (first that fires wins). */
    private static final List<FaultRule> BAD_SAMPLES = List.of(
            bad(SampleDefect.MISSING_FIELD, 0.025),
            bad(SampleDefect.UNKNOWN_ENUM, 0.02),
            bad(SampleDefect.WRONG_TYPE, 0.02),
            bad(SampleDefect.INVALID_JSON, 0.015),
            bad(SampleDefect.REFUSAL, 0.01),
            bad(SampleDefect.INCOMPLETE, 0.01));

    private static final int CALLS = 1_000;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RecordingDecodeListener decodes = new RecordingDecodeListener();
    private final RecordingRolloutListener rolloutEvents = new RecordingRolloutListener();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger("dev.keel.structured.decode")).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("dev.keel.structured.decode")).detachAppender(log);
    }

    private static FaultRule bad(SampleDefect d, double p) {
        return FaultRule.withProbability("POST /v1/responses", p, new FaultEffect.BadSample(d));
    }

    private StructuredClient<TicketV2> client(KeelClient keel, Rollout rollout, ReaskPolicy reask) {
        var decoder = TicketDecoders.decoder(
                REGISTRY, DecodeListener.of(List.of(decodes, new DecodeMetrics(metrics), new DecodeLog())));
        return StructuredClient.builder(keel, REGISTRY, rollout, decoder)
                .reask(reask)
                .build();
    }

    private static KeelClient keel(Emulator e) {
        return KeelClient.builder(KeelClientConfig.builder("sk-test-structured", e.baseUrl())
                        .build())
                .build();
    }

    private Rollout rollout(int percent, AutoRollbackConfig auto) {
        var config = RolloutConfig.ofDefaults()
                .withSchemaVersion("v2")
                .withCanaryPercent(percent)
                .withAutoRollback(auto);
        return Rollout.fixed("ticket", REGISTRY, config, metrics, rolloutEvents);
    }

    @Test
    void canary5PercentWith10PercentBadSamples_noCallThrows_modesMetricsAndLogsMatchTheInjectedFaults() {
        var plan = new FaultPlan(SEED, BAD_SAMPLES);
        Map<DecodeMode, Integer> expected = expectedModes(new FaultPlan(SEED, BAD_SAMPLES), CALLS);
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var keel = keel(emulator)) {
            var tickets = client(keel, rollout(5, AutoRollbackConfig.disabled()), ReaskPolicy.off());
            Map<DecodeMode, Integer> modes = new EnumMap<>(DecodeMode.class);
            int canary = 0;
            for (int i = 0; i < CALLS; i++) {
                var r = tickets.call(
                        StructuredRequest.of("tenant-" + i, "Customer " + i + " was charged twice")
                                .withPromptVersion("triage-7"),
                        CallOptions.defaults());
                modes.merge(r.decoded().mode(), 1, Integer::sum);
                canary += r.assignment().arm() == Arm.CANARY ? 1 : 0;
                assertThat(r.calls()).isEqualTo(1);
            }
            System.out.printf("e2e: %d calls, canary %d, modes %s%n", CALLS, canary, modes);
            assertThat(modes).isEqualTo(expected);
            int bad = expected.get(DecodeMode.COMPAT) + expected.get(DecodeMode.SUMMARY);
            assertThat(bad).as("injected bad samples").isBetween(70, 130);
            assertThat(canary).as("5 %% canary").isBetween(30, 70);
            // the transport never retried a bad sample: exactly one upstream call per request
            assertThat(emulator.requests("POST", "/v1/responses")).hasSize(CALLS);
            assertThat(emulator.requests("POST", "/v1/responses").stream()
                            .filter(q -> q.body().contains("\"name\":\"ticket_v2\""))
                            .count())
                    .isEqualTo(canary);
            assertMetricsAndLogsMatch(modes);
        }
    }

    @Test
    void canaryBadRateForcedUp_triggersTheAutomaticRollback_andLaterCallsAllGetV1() {
        var auto = new AutoRollbackConfig(true, 0.10, 30, 200);
        List<FaultRule> rules = new ArrayList<>();
        rules.add(FaultRule.withProbability(
                        "POST /v1/responses", 0.6, new FaultEffect.BadSample(SampleDefect.MISSING_FIELD))
                .forSchema("ticket_v2"));
        rules.addAll(BAD_SAMPLES);
        try (var emulator = Emulator.start(EmulatorConfig.builder()
                        .faults(new FaultPlan(SEED, rules))
                        .build());
                var keel = keel(emulator)) {
            Rollout rollout = rollout(5, auto);
            var tickets = client(keel, rollout, ReaskPolicy.off());
            int i = 0;
            while (rollout.autoRollback() == null && i < 3_000) {
                tickets.call(
                        StructuredRequest.of("tenant-" + i, "Customer " + i + " was charged twice"),
                        CallOptions.defaults());
                i++;
            }
            assertThat(rollout.autoRollback())
                    .as("rolled back after %d calls", i)
                    .isNotNull();
            System.out.printf(
                    "e2e: automatic rollback after %d calls: %s%n",
                    i, rollout.autoRollback().reason());
            assertThat(rollout.autoRollback().canaryBadRate()
                            - rollout.autoRollback().baselineBadRate())
                    .isGreaterThan(0.10);
            assertThat(rollout.effective().canaryPercent()).isZero();
            assertThat(metrics.get(Rollout.ROLLBACK_METRIC)
                            .tag("reason", "auto")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(rolloutEvents.events).containsExactly("auto rollback", "changed v2@0 (automatic rollback)");
            emulator.clearRequests();
            for (int k = 0; k < 200; k++) {
                var r = tickets.call(StructuredRequest.of("tenant-" + k, "Refund please"), CallOptions.defaults());
                assertThat(r.assignment().version()).isEqualTo("v1");
            }
            assertThat(emulator.requests("POST", "/v1/responses"))
                    .allSatisfy(q -> assertThat(q.body()).contains("\"name\":\"ticket_v1\""));
        }
    }

    @Test
    void request_carriesTheRegisteredSchemaAsStrictJsonSchema() {
        try (var emulator = Emulator.start();
                var keel = keel(emulator)) {
            var r = client(keel, rollout(100, AutoRollbackConfig.disabled()), ReaskPolicy.off())
                    .call(StructuredRequest.of("t", "hello").withInstructions("Triage it."), CallOptions.defaults());
            assertThat(r.decoded()).isInstanceOf(Decoded.Strict.class);
            var body =
                    Json.parse(emulator.requests("POST", "/v1/responses").get(0).body());
            assertThat(body.at("/text/format/type").asText()).isEqualTo("json_schema");
            assertThat(body.at("/text/format/name").asText()).isEqualTo("ticket_v2");
            assertThat(body.at("/text/format/strict").asBoolean()).isTrue();
            assertThat(body.at("/text/format/schema"))
                    .isEqualTo(REGISTRY.get("ticket", "v2").schema());
            assertThat(body.path("instructions").asText()).isEqualTo("Triage it.");
        }
    }

    @Test
    void reask_invalidJsonThenGood_isOneBudgetedReaskWithTheError() {
        var plan = new FaultPlan(
                0,
                List.of(FaultRule.scripted(
                        "POST /v1/responses", List.of(new FaultEffect.BadSample(SampleDefect.INVALID_JSON)))));
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var keel = keel(emulator)) {
            var r = client(keel, rollout(100, AutoRollbackConfig.disabled()), ReaskPolicy.within(4_000))
                    .call(StructuredRequest.of("t", "hello"), CallOptions.defaults());
            assertThat(r.decoded()).isInstanceOf(Decoded.Strict.class);
            assertThat(r.calls()).isEqualTo(2);
            var sent = emulator.requests("POST", "/v1/responses");
            assertThat(sent).hasSize(2);
            var second = Json.parse(sent.get(1).body());
            assertThat(second.at("/input/2/content").asText()).contains("rejected: invalid_json");
            assertThat(second.path("max_output_tokens").asInt()).isBetween(16, 4_000);
        }
    }

    @Test
    void reask_budgetTooSmall_orRefusal_doesNotReask() {
        var plan = new FaultPlan(
                0,
                List.of(FaultRule.scripted(
                        "POST /v1/responses",
                        List.of(
                                new FaultEffect.BadSample(SampleDefect.INVALID_JSON),
                                new FaultEffect.BadSample(SampleDefect.REFUSAL)))));
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var keel = keel(emulator)) {
            var small = client(keel, rollout(100, AutoRollbackConfig.disabled()), ReaskPolicy.within(50))
                    .call(StructuredRequest.of("t", "hello"), CallOptions.defaults());
            assertThat(small.decoded()).isInstanceOf(Decoded.Summary.class);
            var refused = client(keel, rollout(100, AutoRollbackConfig.disabled()), ReaskPolicy.within(100_000))
                    .call(StructuredRequest.of("t", "hello"), CallOptions.defaults());
            assertThat(refused.decoded()).isInstanceOf(Decoded.Summary.class);
            assertThat(emulator.requests("POST", "/v1/responses")).hasSize(2);
        }
    }

    /** The modes the injected faults must produce: replaying the same seeded plan in the same order. */
    private static Map<DecodeMode, Integer> expectedModes(FaultPlan plan, int calls) {
        Map<DecodeMode, Integer> m = new EnumMap<>(DecodeMode.class);
        for (DecodeMode d : DecodeMode.values()) {
            m.put(d, 0);
        }
        for (int i = 0; i < calls; i++) {
            DecodeMode mode = plan.pick("POST", "/v1/responses")
                    .map(f -> switch (((FaultEffect.BadSample) f).defect()) {
                        case MISSING_FIELD, UNKNOWN_ENUM, WRONG_TYPE -> DecodeMode.COMPAT;
                        case INVALID_JSON, REFUSAL, INCOMPLETE -> DecodeMode.SUMMARY;
                    })
                    .orElse(DecodeMode.STRICT);
            m.merge(mode, 1, Integer::sum);
        }
        return m;
    }

    private void assertMetricsAndLogsMatch(Map<DecodeMode, Integer> modes) {
        for (DecodeMode mode : DecodeMode.values()) {
            double counted = metrics.find("structured_decode").tag("mode", mode.token()).counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum();
            assertThat(counted)
                    .as("structured_decode_total{mode=%s}", mode.token())
                    .isEqualTo(modes.get(mode).doubleValue());
            long logged = log.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("decode_mode=" + mode.token()))
                    .count();
            assertThat(logged)
                    .as("log lines decode_mode=%s", mode.token())
                    .isEqualTo(modes.get(mode).longValue());
        }
        assertThat(metrics.get("structured_summary_degrade").counter().count())
                .isEqualTo(modes.get(DecodeMode.SUMMARY).doubleValue());
        double fallbacks = metrics.find("structured_fallback").tag("from", "strict").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        assertThat(fallbacks).isEqualTo((double) (modes.get(DecodeMode.COMPAT) + modes.get(DecodeMode.SUMMARY)));
        double fails = metrics.find("structured_decode_fail").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        assertThat(fails).isEqualTo((double) (modes.get(DecodeMode.COMPAT) + modes.get(DecodeMode.SUMMARY)));
        assertThat(log.list)
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains(
                                "schema_version_detected=",
                                "decode_mode=",
                                "fallback_reason=",
                                "model=gpt-4.1-mini",
                                "prompt_version=triage-7"));
        assertThat(decodes.events).hasSize(CALLS);
    }
}
