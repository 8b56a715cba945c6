package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.CallOptions;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.policy.Deadline;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cost_usd_total{tier}} prices what the answer reports: served tier, cached and written input. */
class CostTierMetricsTest {

    private static final CallContext CONTEXT = new CallContext(
            1,
            HttpCall.postJson("/responses", "{}".getBytes(StandardCharsets.UTF_8)),
            CallOptions.defaults(),
            Deadline.after(Duration.ofSeconds(30), Ticker.SYSTEM),
            Duration.ofSeconds(30),
            1,
            null);

    /** The same hand-made table as {@code PriceTiersTest}. */
    private static final String TABLE = """
            {"as_of": "2026-12-01", "models": {
              "m": {
                "standard": {"input": 2.00, "cached_input": 0.50, "cache_write": 2.50, "output": 8.00},
                "batch":    {"input": 1.00, "cached_input": 0.25, "cache_write": "not_billed", "output": 4.00},
                "flex":     {"input": 1.00, "cached_input": 0.25, "cache_write": 1.25, "output": 4.00},
                "priority": {"input": 3.50, "cached_input": 0.875, "cache_write": 4.375, "output": 14.00}
              },
              "nowrite": {"standard": {"input": 1, "output": 1}}
            }}""";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CostMetrics metrics;

    @BeforeEach
    void table(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, TABLE);
        metrics = new CostMetrics(registry, "online", PriceTable.load(file));
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

    private double usd(String tier) {
        var c = registry.find(MetricNames.COST_USD)
                .tag("model", "m")
                .tag("tier", tier)
                .counter();
        return c == null ? 0 : c.count();
    }

    private double unknown(String model) {
        var c = registry.find(MetricNames.COST_UNKNOWN_MODEL)
                .tag("model", model)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aMixedSetIsPricedByTheServedTier_cachedAndWrittenInput_toTheMicroDollar() {
        // standard (Responses, service_tier "default"): 1200 in (200 cached, 300 written), 500 out
        // of which 100 reasoning: 700*2 + 200*0.5 + 300*2.5 + 500*8 = 6250 -> 0.006250
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"m\",\"service_tier\":\"default\",\"usage\":{\"input_tokens\":1200,"
                        + "\"input_tokens_details\":{\"cached_tokens\":200,\"cache_write_tokens\":300},"
                        + "\"output_tokens\":500,\"output_tokens_details\":{\"reasoning_tokens\":100}}}"),
                Duration.ZERO);
        // flex (Chat): 1000 prompt, 1000 completion: 1000*1 + 1000*4 = 5000 -> 0.005000
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"m\",\"service_tier\":\"flex\",\"usage\":{\"prompt_tokens\":1000,"
                        + "\"completion_tokens\":1000,\"prompt_tokens_details\":{\"cached_tokens\":0}}}"),
                Duration.ZERO);
        // priority, streamed (the terminal response object): 2000 in (1024 cached), 300 out:
        // 976*3.5 + 1024*0.875 + 300*14 = 8512 -> 0.008512
        metrics.streamEnd(
                CONTEXT,
                new StreamOutcome.Finished(
                        3,
                        Json.parse("{\"model\":\"m\",\"service_tier\":\"priority\",\"usage\":"
                                + "{\"input_tokens\":2000,\"input_tokens_details\":{\"cached_tokens\":1024},"
                                + "\"output_tokens\":300}}")),
                Duration.ZERO);
        // batch, collected: 4000 in (1000 cached), 2000 out: 3000*1 + 1000*0.25 + 2000*4 = 11250
        metrics.recordBatch("m", new TokenUsage(4000, 1000, 0, 2000));

        assertThat(usd("standard")).isCloseTo(0.006250, within(1e-9));
        assertThat(usd("flex")).isCloseTo(0.005000, within(1e-9));
        assertThat(usd("priority")).isCloseTo(0.008512, within(1e-9));
        assertThat(usd("batch")).isCloseTo(0.011250, within(1e-9));
        assertThat(usd("standard") + usd("flex") + usd("priority") + usd("batch"))
                .isCloseTo(0.031012, within(1e-9));
    }

    @Test
    void unpricedTiersAndCacheWritesAreCountedApart_neverAtZero() {
        // nowrite lists no priority tier, and a served tier "scale" has no price list
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"nowrite\",\"service_tier\":\"priority\",\"usage\":{\"input_tokens\":10,"
                        + "\"output_tokens\":1}}"),
                Duration.ZERO);
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"m\",\"service_tier\":\"scale\",\"usage\":{\"input_tokens\":10,"
                        + "\"output_tokens\":1}}"),
                Duration.ZERO);
        // nowrite gives no cache_write rate: an answer with cache writes is not priced
        metrics.callEnd(
                CONTEXT,
                answer("{\"model\":\"nowrite\",\"usage\":{\"input_tokens\":10,\"input_tokens_details\":"
                        + "{\"cached_tokens\":0,\"cache_write_tokens\":4},\"output_tokens\":1}}"),
                Duration.ZERO);

        assertThat(unknown("nowrite")).isEqualTo(2);
        assertThat(unknown("m")).isEqualTo(1);
        assertThat(registry.find(MetricNames.COST_USD).counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }
}
