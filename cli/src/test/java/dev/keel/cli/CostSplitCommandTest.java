package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.Models;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel call} and the batch report show what was paid split by tier and token kind, against
 * the emulator over real sockets: the tier the answer reports is the one priced (standard, flex,
 * priority), the prompt cache's reads and writes are priced at their rates, and the batch report's
 * split adds up to its batch cost.
 */
class CostSplitCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    /** USD per 1M tokens: input, cached input, cache write, output. */
    private static final Map<String, double[]> RATES = Map.of(
            "standard", new double[] {2.00, 0.20, 2.50, 16.00},
            "flex", new double[] {1.00, 0.10, 1.25, 8.00},
            "priority", new double[] {4.00, 0.40, 5.00, 32.00});

    private Path prices() throws Exception {
        Path f = dir.resolve("prices.json");
        Files.writeString(f, """
                {"as_of": "2026-12-02", "models": {"gpt-5.6": {
                  "standard": {"input": 2.00, "cached_input": 0.20, "cache_write": 2.50, "output": 16.00},
                  "batch":    {"input": 1.00, "cached_input": 0.10, "cache_write": 1.25, "output": 8.00},
                  "flex":     {"input": 1.00, "cached_input": 0.10, "cache_write": 1.25, "output": 8.00},
                  "priority": {"input": 4.00, "cached_input": 0.40, "cache_write": 5.00, "output": 32.00}}}}
                """);
        return f;
    }

    private JsonNode call(Emulator emulator, Path prices, String... args) {
        var call = new CallCommand();
        call.env = Map.of(
                "OPENAI_API_KEY",
                "sk-test",
                "OPENAI_BASE_URL",
                emulator.baseUrl().toString());
        var all = new ArrayList<>(List.of("--format", "json", "--prices", prices.toString(), "--model", "gpt-5.6"));
        all.addAll(List.of(args));
        assertThat(cli.run(call, all.toArray(String[]::new))).as(cli.err()).isZero();
        return Json.parse(cli.out());
    }

    /** What the usage costs at the tier, from the rates above: the hand formula, not keel's code. */
    private static BigDecimal byHand(String tier, JsonNode usage) {
        double[] r = RATES.get(tier);
        long in = usage.get("input_tokens").asLong();
        long cached = usage.get("cached_input_tokens").asLong();
        long written = usage.get("cache_write_tokens").asLong();
        long outTokens = usage.get("output_tokens").asLong();
        BigDecimal micro = BigDecimal.valueOf(r[0])
                .multiply(BigDecimal.valueOf(in - cached - written))
                .add(BigDecimal.valueOf(r[1]).multiply(BigDecimal.valueOf(cached)))
                .add(BigDecimal.valueOf(r[2]).multiply(BigDecimal.valueOf(written)))
                .add(BigDecimal.valueOf(r[3]).multiply(BigDecimal.valueOf(outTokens)));
        return micro.movePointLeft(6).setScale(6, RoundingMode.HALF_UP);
    }

    @Test
    void call_pricesTheServedTier_andSplitsCachedCacheWriteAndOutput() throws Exception {
        Path prices = prices();
        var b = new StringBuilder("Policy:\n");
        for (int i = 0; i < 1_400; i++) {
            b.append("clause").append(i).append(' ');
        }
        String policy = b.toString();
        try (var emulator = Emulator.start(EmulatorConfig.builder()
                .models(Models.ofDefaults().with(List.of("gpt-5.6")))
                .flexLatency(Duration.ofMillis(20))
                .build())) {
            JsonNode standard = call(emulator, prices, "--prompt-cache-key", "policy-v1", policy + "Ticket A");
            JsonNode flex = call(
                    emulator, prices, "--service-tier", "flex", "--prompt-cache-key", "policy-v1", policy + "Ticket B");
            JsonNode priority = call(
                    emulator, prices, "--service-tier", "fast", "--prompt-cache-key", "policy-v1", policy + "Ticket C");

            assertThat(standard.get("service_tier").asText()).isEqualTo("default");
            assertThat(flex.get("service_tier").asText()).isEqualTo("flex");
            assertThat(priority.get("service_tier").asText())
                    .as("fast is served as priority")
                    .isEqualTo("priority");

            assertThat(standard.at("/usage/cached_input_tokens").asLong()).isZero();
            assertThat(standard.at("/usage/cache_write_tokens").asLong()).isPositive();
            assertThat(flex.at("/usage/cached_input_tokens").asLong()).isGreaterThanOrEqualTo(1024);
            assertThat(priority.at("/usage/cached_input_tokens").asLong()).isGreaterThanOrEqualTo(1024);
            assertThat(priority.at("/usage/reasoning_tokens").asLong()).isPositive();

            for (var c : List.of(
                    Map.entry("standard", standard), Map.entry("flex", flex), Map.entry("priority", priority))) {
                String tier = c.getKey();
                JsonNode doc = c.getValue();
                BigDecimal expected = byHand(tier, doc.get("usage"));
                assertThat(doc.get("cost_usd").decimalValue()).as(tier).isEqualByComparingTo(expected);
                JsonNode line = doc.at("/cost_split/" + tier);
                assertThat(line.isObject())
                        .as(tier + " line in " + doc.get("cost_split"))
                        .isTrue();
                assertThat(doc.at("/cost_split").size())
                        .as("one tier and the total")
                        .isEqualTo(2);
                assertThat(line.at("/cached_input/tokens").asLong())
                        .isEqualTo(doc.at("/usage/cached_input_tokens").asLong());
                assertThat(line.at("/cache_write/tokens").asLong())
                        .isEqualTo(doc.at("/usage/cache_write_tokens").asLong());
                assertThat(line.at("/output/reasoning_tokens").asLong())
                        .isEqualTo(doc.at("/usage/reasoning_tokens").asLong());
                assertThat(line.at("/cached_input/cost_usd").decimalValue())
                        .isEqualByComparingTo(BigDecimal.valueOf(RATES.get(tier)[1])
                                .multiply(BigDecimal.valueOf(
                                        line.at("/cached_input/tokens").asLong()))
                                .movePointLeft(6)
                                .setScale(6, RoundingMode.HALF_UP));
            }
        }
    }

    @Test
    void callText_showsTheSplitLine() throws Exception {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "--model", "gpt-5-mini", "--service-tier", "flex", "Hi"))
                    .isZero();
            assertThat(cli.out())
                    .containsPattern("cost      flex      \\$0\\.\\d{6} = input \\d+ tok \\$0\\.\\d{6}"
                            + " \\+ cached 0 tok \\$0\\.000000 \\+ cache write 0 tok \\$0\\.000000 \\+ output \\d+ tok"
                            + " \\(reasoning \\d+\\) \\$0\\.\\d{6}");
        }
    }

    @Test
    void call_aTierThatIsNotPriced_saysSoInsteadOfPricingAtZero() throws Exception {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "--model", "gpt-4.1-mini", "--service-tier", "flex", "Hi"))
                    .isZero();
            assertThat(cli.out())
                    .contains("cost      unknown: no price for gpt-4.1-mini at service_tier flex")
                    .contains("--prices FILE");
        }
    }

    @Test
    void call_unknownServiceTier_isRefusedNamingTheOption() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--service-tier", "cheap", "Hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--service-tier 'cheap'").contains("flex");
    }

    @Test
    void batchReport_splitsTheRunsCostByTierAndTokenKind() throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= 6; i++) {
            lines.add("{\"custom_id\":\"c-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + "\",\"max_output_tokens\":30}}");
        }
        Path input = dir.resolve("in.jsonl");
        Files.write(input, lines);
        int code = cli.env(Map.of())
                .run(
                        "batch",
                        "run",
                        input.toString(),
                        "--format",
                        "json",
                        "--db",
                        "jdbc:sqlite:" + dir.resolve("keel.db"),
                        "--run-dir",
                        dir.resolve("runs").toString());
        assertThat(code).as(cli.err()).isZero();
        String text = cli.out();
        JsonNode report = Json.parse(text.substring(text.indexOf('{')));
        JsonNode split = report.at("/report/cost_split");
        if (split.isMissingNode()) {
            split = report.at("/cost_split");
        }
        assertThat(split.isObject()).as(text).isTrue();
        assertThat(split.at("/batch/calls").asLong()).isEqualTo(6);
        assertThat(split.at("/batch/cost_usd").decimalValue())
                .isEqualByComparingTo(
                        BigDecimal.valueOf((report.at("/report/cost_usd/batch").isMissingNode()
                                                ? report.at("/cost_usd/batch")
                                                : report.at("/report/cost_usd/batch"))
                                        .asDouble())
                                .setScale(6, RoundingMode.HALF_UP));
        assertThat(split.at("/batch/input/tokens").asLong()).isPositive();
        assertThat(split.at("/total/cost_usd").decimalValue())
                .isEqualByComparingTo(split.at("/batch/cost_usd").decimalValue());
    }
}
