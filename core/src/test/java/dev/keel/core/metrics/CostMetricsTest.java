package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keel.core.CallOptions;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.ResultSource;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.policy.Deadline;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CostMetricsTest {

    private static final HttpCall CALL = HttpCall.postJson("/responses", "{}".getBytes(StandardCharsets.UTF_8));
    private static final CallContext CONTEXT = new CallContext(
            1,
            CALL,
            CallOptions.defaults(),
            Deadline.after(Duration.ofSeconds(30), Ticker.SYSTEM),
            Duration.ofSeconds(30),
            1,
            null);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CostMetrics metrics = new CostMetrics(registry, "online", PriceTable.builtIn());
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CostMetrics.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private static HttpResult answer(String json) {
        return new HttpResult(
                200,
                Map.of("content-type", List.of("application/json")),
                json.getBytes(StandardCharsets.UTF_8),
                null,
                "HTTP/2.0",
                null,
                1,
                null);
    }

    private double usd(String model, String tier) {
        return registry.get(MetricNames.COST_USD)
                .tag("model", model)
                .tag("tier", tier)
                .counter()
                .count();
    }

    @Test
    void callEnd_addsUsageTimesPrice_perModelAndTier_snapshotsAsTheirBaseModel() {
        // gpt-4.1-mini sync: input 0.40, cached 0.10, output 1.60 USD per 1M tokens
        metrics.callEnd(
                CONTEXT,
                answer("{\"id\":\"r1\",\"output\":[{\"content\":[{\"text\":\"x\"}]}],\"model\":\"gpt-4.1-mini\","
                        + "\"usage\":{\"input_tokens\":1000,\"input_tokens_details\":{\"cached_tokens\":200},"
                        + "\"output_tokens\":500}}"),
                Duration.ofMillis(5));
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"gpt-4.1-mini-2025-04-14\",\"usage\":{\"prompt_tokens\":3000,"
                        + "\"completion_tokens\":1000}}"),
                Duration.ofMillis(5));
        metrics.record("gpt-4.1-mini", PriceTier.BATCH, new TokenUsage(1_000_000, 0, 0));

        double first = (800 * 0.40 + 200 * 0.10 + 500 * 1.60) / 1e6;
        double second = (3000 * 0.40 + 1000 * 1.60) / 1e6;
        assertThat(usd("gpt-4.1-mini", "standard"))
                .isCloseTo(first + second, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(usd("gpt-4.1-mini", "batch")).isCloseTo(0.20, org.assertj.core.api.Assertions.within(1e-12));
    }

    private static CallContext context(HttpCall call) {
        return new CallContext(
                2,
                call,
                CallOptions.defaults(),
                Deadline.after(Duration.ofSeconds(30), Ticker.SYSTEM),
                Duration.ofSeconds(30),
                1,
                null);
    }

    @Test
    void callEnd_readsBackAndPolls_areNeverPriced_onlyTheCreationIs() {
        var response = "{\"id\":\"resp_1\",\"model\":\"gpt-4.1-mini\",\"usage\":{\"input_tokens\":1000,"
                + "\"output_tokens\":500}}";
        var batch = "{\"id\":\"batch_1\",\"object\":\"batch\",\"model\":\"gpt-4.1-mini\",\"usage\":"
                + "{\"input_tokens\":90000,\"output_tokens\":40000}}";
        metrics.callEnd(CONTEXT, answer(response), Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            metrics.callEnd(context(HttpCall.get("/responses/resp_1")), answer(response), Duration.ZERO);
        }
        for (int i = 0; i < 5; i++) {
            metrics.callEnd(context(HttpCall.get("/batches/batch_1")), answer(batch), Duration.ZERO);
        }
        metrics.callEnd(context(HttpCall.get("/batches?limit=100")), answer(batch), Duration.ZERO);
        metrics.callEnd(
                context(HttpCall.postJson("/responses/resp_1/cancel", new byte[0])), answer(response), Duration.ZERO);
        metrics.callEnd(
                context(HttpCall.postJson("/responses/input_tokens", new byte[0])), answer(response), Duration.ZERO);

        assertThat(usd("gpt-4.1-mini", "standard"))
                .as("one creation, priced once")
                .isCloseTo((1000 * 0.40 + 500 * 1.60) / 1e6, within(1e-15));
        assertThat(registry.find(MetricNames.COST_USD).tag("tier", "batch").counters())
                .isEmpty();
    }

    @Test
    void createsGeneration_isPostToACreationEndpointOnly() {
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/responses", new byte[0])))
                .isTrue();
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/chat/completions", new byte[0])))
                .isTrue();
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/embeddings", new byte[0])))
                .isTrue();
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/responses?x=1", new byte[0])))
                .isTrue();
        assertThat(CostMetrics.createsGeneration(HttpCall.get("/responses/resp_1")))
                .isFalse();
        assertThat(CostMetrics.createsGeneration(HttpCall.get("/chat/completions/chatcmpl_1")))
                .isFalse();
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/batches", new byte[0])))
                .isFalse();
        assertThat(CostMetrics.createsGeneration(HttpCall.postJson("/chat/completions/c1", new byte[0])))
                .isFalse();
    }

    @Test
    void recordBatch_pricesAtBatchRates() {
        metrics.recordBatch("gpt-4.1-mini", new TokenUsage(1_000_000, 0, 1_000_000));
        assertThat(usd("gpt-4.1-mini", "batch")).isCloseTo(0.20 + 0.80, within(1e-12));
        assertThat(registry.find(MetricNames.COST_USD).tag("tier", "standard").counters())
                .isEmpty();
    }

    @Test
    void unknownModel_isCountedApartAndLoggedOnce_neverThrows() {
        var body = "{\"model\":\"ft:my-model\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}";
        metrics.callEnd(CONTEXT, answer(body), Duration.ofMillis(5));
        metrics.callEnd(CONTEXT, answer(body), Duration.ofMillis(5));

        assertThat(registry.get(MetricNames.COST_UNKNOWN_MODEL)
                        .tag("model", "ft:my-model")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(logs.list).hasSize(1);
        assertThat(logs.list.get(0).getFormattedMessage()).contains("no price for model 'ft:my-model'");
    }

    @Test
    void fallbackAnswersStreamsAndAnswersWithoutUsage_costNothing() {
        var priced = "{\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}";
        metrics.callEnd(
                CONTEXT,
                HttpResult.served(ResultSource.LAST_KNOWN_GOOD, 200, Map.of(), priced.getBytes(StandardCharsets.UTF_8)),
                Duration.ZERO);
        metrics.callEnd(CONTEXT, answer("{\"model\":\"gpt-4o\"}"), Duration.ZERO);
        metrics.callEnd(CONTEXT, answer("not json"), Duration.ZERO);
        metrics.callEnd(CONTEXT, answer("[1,2]"), Duration.ZERO);

        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(registry.find(MetricNames.COST_UNKNOWN_MODEL).counters()).isEmpty();
    }

    private double unmetered(String reason) {
        return registry.get(MetricNames.COST_UNMETERED_STREAMS)
                .tag("reason", reason)
                .tag("traffic_class", "online")
                .counter()
                .count();
    }

    @Test
    void streamEnd_finished_pricesTheTerminalEventsUsageAtSync_likeABufferedAnswer() {
        var response =
                Json.parse("{\"id\":\"r1\",\"model\":\"gpt-4.1-mini-2025-04-14\",\"usage\":{\"input_tokens\":1000,"
                        + "\"input_tokens_details\":{\"cached_tokens\":200},\"output_tokens\":500}}");
        var chatChunk = Json.parse("{\"model\":\"gpt-4.1-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":3000,"
                + "\"completion_tokens\":1000,\"prompt_tokens_details\":{\"cached_tokens\":1024}}}");

        metrics.streamEnd(CONTEXT, new StreamOutcome.Finished(12, response), Duration.ZERO);
        metrics.streamEnd(CONTEXT, new StreamOutcome.Finished(9, chatChunk), Duration.ZERO);

        double responses = (800 * 0.40 + 200 * 0.10 + 500 * 1.60) / 1e6;
        double chat = (1976 * 0.40 + 1024 * 0.10 + 1000 * 1.60) / 1e6;
        assertThat(usd("gpt-4.1-mini", "standard")).isCloseTo(responses + chat, within(1e-12));
        assertThat(unmetered("no_usage")).isZero();
    }

    @Test
    void streamEnd_withoutUsage_countsUnmeteredByReason_andCostsNothing() {
        var cut = new StreamTruncatedException(3, "req_1", null);
        metrics.streamEnd(CONTEXT, new StreamOutcome.Truncated(cut), Duration.ZERO);
        metrics.streamEnd(CONTEXT, new StreamOutcome.Abandoned(5), Duration.ZERO);
        metrics.streamEnd(CONTEXT, new StreamOutcome.Abandoned(0), Duration.ZERO);
        metrics.streamEnd(
                CONTEXT, new StreamOutcome.Finished(4, null), Duration.ZERO); // a chat stream without include_usage
        metrics.streamEnd(
                CONTEXT,
                new StreamOutcome.Finished(2, Json.parse("{\"model\":\"gpt-4o\",\"usage\":null}")),
                Duration.ZERO); // response.failed

        assertThat(unmetered("truncated")).isEqualTo(1);
        assertThat(unmetered("abandoned")).isEqualTo(2);
        assertThat(unmetered("no_usage")).isEqualTo(2);
        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
    }

    @Test
    void streamEnd_unknownModel_isCountedApart_likeABufferedAnswer() {
        var response = Json.parse("{\"model\":\"ft:my-model\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}");
        metrics.streamEnd(CONTEXT, new StreamOutcome.Finished(7, response), Duration.ZERO);

        assertThat(registry.get(MetricNames.COST_UNKNOWN_MODEL)
                        .tag("model", "ft:my-model")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(logs.list).hasSize(1);
    }
}
