package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.http.HttpCall;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real calls through {@link KeelClient} against the emulator: the answer echoes the tier served
 * ({@code fast} comes back as {@code priority}) and {@code cost_usd_total{tier}} prices each answer
 * at that tier's rates of a hand-made table.
 */
class ServiceTierCostTest {

    private static final String TABLE = """
            {"as_of": "2026-12-01", "models": {
              "gpt-4.1-mini": {
                "standard": {"input": 2.00, "cached_input": 0.50, "cache_write": 2.50, "output": 8.00},
                "batch":    {"input": 1.00, "cached_input": 0.25, "cache_write": "not_billed", "output": 4.00},
                "flex":     {"input": 1.00, "cached_input": 0.25, "cache_write": 1.25, "output": 4.00},
                "priority": {"input": 3.50, "cached_input": 0.875, "cache_write": 4.375, "output": 14.00}
              }}}""";

    private Emulator emulator;
    private KeelClient client;
    private PriceTable prices;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, TABLE);
        prices = PriceTable.load(file);
        emulator = Emulator.start(EmulatorConfig.builder().build());
        client = KeelClient.builder(KeelClientConfig.builder("sk-test-tier-cost", emulator.baseUrl())
                        .build())
                .priceTable(prices)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    private JsonNode respond(String tier) {
        String body = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Price me at " + tier + "\""
                + (tier == null ? "" : ",\"service_tier\":\"" + tier + "\"") + "}";
        return client.responses()
                .create(Json.parse(body), CallOptions.defaults())
                .json();
    }

    private JsonNode chat(String tier) {
        String body = "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Chat at " + tier
                + "\"}],\"service_tier\":\"" + tier + "\"}";
        var result = client.execute(
                HttpCall.postJson("/chat/completions", Json.writeBytes(Json.parse(body))), CallOptions.defaults());
        return Json.parse(result.body());
    }

    private double counter(String tier) {
        var c = client.meterRegistry()
                .find(MetricNames.COST_USD)
                .tag("model", "gpt-4.1-mini")
                .tag("tier", tier)
                .counter();
        return c == null ? 0 : c.count();
    }

    private BigDecimal cost(PriceTier tier, JsonNode answer) {
        return prices.cost("gpt-4.1-mini", tier, TokenUsage.fromJson(answer.get("usage")));
    }

    @Test
    void eachAnswerIsPricedAtTheTierItWasServedAt() {
        JsonNode unset = respond(null);
        JsonNode auto = respond("auto");
        JsonNode flex = respond("flex");
        JsonNode priority = respond("priority");
        JsonNode fast = respond("fast");
        JsonNode chatFlex = chat("flex");

        assertThat(unset.get("service_tier").asText()).isEqualTo("default");
        assertThat(auto.get("service_tier").asText()).isEqualTo("default");
        assertThat(flex.get("service_tier").asText()).isEqualTo("flex");
        assertThat(priority.get("service_tier").asText()).isEqualTo("priority");
        assertThat(fast.get("service_tier").asText())
                .as("fast is served as priority")
                .isEqualTo("priority");
        assertThat(chatFlex.get("service_tier").asText()).isEqualTo("flex");

        BigDecimal standard = cost(PriceTier.STANDARD, unset).add(cost(PriceTier.STANDARD, auto));
        BigDecimal flexUsd = cost(PriceTier.FLEX, flex).add(cost(PriceTier.FLEX, chatFlex));
        BigDecimal priorityUsd = cost(PriceTier.PRIORITY, priority).add(cost(PriceTier.PRIORITY, fast));
        assertThat(standard.signum()).isPositive();
        assertThat(counter("standard")).isCloseTo(standard.doubleValue(), within(1e-9));
        assertThat(counter("flex")).isCloseTo(flexUsd.doubleValue(), within(1e-9));
        assertThat(counter("priority")).isCloseTo(priorityUsd.doubleValue(), within(1e-9));
        assertThat(counter("batch")).isZero();
        // hand check of one answer: flex rates are half of standard on this table
        assertThat(cost(PriceTier.FLEX, flex).multiply(BigDecimal.TWO))
                .isEqualByComparingTo(cost(PriceTier.STANDARD, flex));
    }
}
