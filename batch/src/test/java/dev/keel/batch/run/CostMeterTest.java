package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.BatchFixture;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.metrics.MetricNames;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cost_usd_total} prices a generation once, when it is created, and a batch's lines once, when
 * the runner collects them at batch prices: never a retrieve, never a poll. Against the emulator
 * over real sockets.
 */
class CostMeterTest {

    private static final CallOptions BATCH = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);

    @TempDir
    Path dir;

    private BatchFixture f;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static double usd(MeterRegistry registry, String tier) {
        return registry.find(MetricNames.COST_USD).tag("tier", tier).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void costUsdTotal_createOnceRetrieveThreeTimesPollABatchFiveTimes_isOneCreationPlusTheBatchAtBatchPrices()
            throws Exception {
        MeterRegistry registry = f.client.meterRegistry();
        try (var online = KeelClient.builder(KeelClientConfig.builder("sk-test-online", f.emulator.baseUrl())
                        .build())
                .meterRegistry(registry)
                .build()) {
            KeelResponse created = online.responses()
                    .create(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Hello\"}"), CallOptions.defaults());
            String id = created.json().path("id").asText();
            for (int i = 0; i < 3; i++) {
                JsonNode again =
                        online.responses().retrieve(id, CallOptions.defaults()).json();
                assertThat(again.path("usage").path("output_tokens").asLong())
                        .as("a retrieve shows the usage again")
                        .isPositive();
            }

            PlanResult p =
                    f.plan(f.input("in.jsonl", 6), PlanConfig.ofDefaults().withMaxItems(3));
            assertThat(f.runner(BatchFixture.fast()).drive(p.runId()))
                    .isEqualTo(new RunOutcome.Finished(p.runId(), 6, 0, false));
            String batchId = f.ledger.chunks(p.runId()).get(0).batchId();
            for (int i = 0; i < 5; i++) {
                JsonNode batch = f.client.batches().retrieve(batchId, BATCH).json();
                assertThat(batch.path("usage").path("input_tokens").asLong())
                        .as("a poll shows the whole batch's usage")
                        .isPositive();
            }

            double creation = f.prices
                    .cost(
                            "gpt-4.1-mini",
                            PriceTier.STANDARD,
                            TokenUsage.fromJson(created.json().path("usage")))
                    .doubleValue();
            RunReport report = new Reports(f.ledger).report(p.runId(), null, 0.03);
            assertThat(report.batchCostUsd()).isPositive();
            assertThat(usd(registry, "standard")).as("the creation, once").isCloseTo(creation, within(1e-12));
            assertThat(usd(registry, "batch"))
                    .as("the batch at batch prices, as its report says")
                    .isCloseTo(report.batchCostUsd(), within(1e-12));
            assertThat(usd(registry, "standard") + usd(registry, "batch"))
                    .isCloseTo(creation + report.batchCostUsd(), within(1e-12));
        }
    }
}
