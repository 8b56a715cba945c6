package dev.keel.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed run priced against a table computed by hand (the comments show the arithmetic): standard,
 * flex, priority and batch calls with uncached, cached and cache-write input and reasoning output,
 * split by tier and token kind, each line and the total exact to the micro-dollar.
 */
class CostSplitTest {

    @TempDir
    Path dir;

    /** A GPT-5.6-style family that bills cache writes, every tier listed. USD per 1M tokens. */
    private static final String TABLE = """
            {"as_of": "2026-12-02", "models": {"acme-5.6": {
              "standard": {"input": 2.00, "cached_input": 0.20, "cache_write": 2.50, "output": 16.00},
              "batch":    {"input": 1.00, "cached_input": 0.10, "cache_write": 1.25, "output": 8.00},
              "flex":     {"input": 1.00, "cached_input": 0.10, "cache_write": 1.25, "output": 8.00},
              "priority": {"input": 4.00, "cached_input": 0.40, "cache_write": 5.00, "output": 32.00}}}}
            """;

    private PriceTable table() throws Exception {
        Path f = dir.resolve("prices.json");
        Files.writeString(f, TABLE);
        return PriceTable.load(f);
    }

    @Test
    void mixedRun_isSplitByTierAndTokenKind_exactlyAsComputedByHand() throws Exception {
        PriceTable prices = table();
        var split = new CostSplit();
        // standard: 3,000 in (1,024 cached, 0 written), 500 out (200 reasoning)
        //   1,976 × 2.00 = 3,952 µ$ ; 1,024 × 0.20 = 204.8 µ$ ; 500 × 16 = 8,000 µ$  → $0.0121568
        split.add(prices, "acme-5.6", PriceTier.STANDARD, new TokenUsage(3_000, 1_024, 0, 500), 200);
        // flex: 2,000 in (0 cached, 1,920 written), 300 out
        //   80 × 1.00 = 80 µ$ ; 1,920 × 1.25 = 2,400 µ$ ; 300 × 8 = 2,400 µ$  → $0.00488
        split.add(prices, "acme-5.6", PriceTier.FLEX, new TokenUsage(2_000, 0, 1_920, 300), 0);
        // priority: 1,500 in (1,408 cached), 100 out (64 reasoning)
        //   92 × 4.00 = 368 µ$ ; 1,408 × 0.40 = 563.2 µ$ ; 100 × 32 = 3,200 µ$  → $0.0041312
        split.add(prices, "acme-5.6", PriceTier.PRIORITY, new TokenUsage(1_500, 1_408, 0, 100), 64);
        // batch, two calls: 4,000 + 6,000 in, 1,200 + 800 out
        //   10,000 × 1.00 = 10,000 µ$ ; 2,000 × 8 = 16,000 µ$  → $0.026
        split.add(prices, "acme-5.6", PriceTier.BATCH, new TokenUsage(4_000, 0, 0, 1_200), 0);
        split.add(prices, "acme-5.6", PriceTier.BATCH, new TokenUsage(6_000, 0, 0, 800), 0);

        var byTier = split.byTier();
        assertThat(byTier.keySet())
                .containsExactly(PriceTier.STANDARD, PriceTier.BATCH, PriceTier.FLEX, PriceTier.PRIORITY);
        assertThat(byTier.get(PriceTier.STANDARD).usd()).isEqualByComparingTo("0.0121568");
        assertThat(byTier.get(PriceTier.FLEX).usd()).isEqualByComparingTo("0.00488");
        assertThat(byTier.get(PriceTier.PRIORITY).usd()).isEqualByComparingTo("0.0041312");
        assertThat(byTier.get(PriceTier.BATCH).usd()).isEqualByComparingTo("0.026");
        assertThat(byTier.get(PriceTier.BATCH).calls()).isEqualTo(2);

        CostSplit.Line total = split.total();
        // 0.0121568 + 0.00488 + 0.0041312 + 0.026 = 0.047168
        assertThat(total.usd()).isEqualByComparingTo("0.047168");
        assertThat(total.input().tokens()).isEqualTo(1_976 + 80 + 92 + 10_000);
        assertThat(total.cachedInput().tokens()).isEqualTo(1_024 + 1_408);
        assertThat(total.cachedInput().usd()).isEqualByComparingTo("0.000768"); // 204.8 + 563.2 µ$
        assertThat(total.cacheWrite().tokens()).isEqualTo(1_920);
        assertThat(total.cacheWrite().usd()).isEqualByComparingTo("0.0024");
        assertThat(total.output().tokens()).isEqualTo(500 + 300 + 100 + 2_000);
        assertThat(total.output().usd()).isEqualByComparingTo("0.0296"); // 8,000 + 2,400 + 3,200 + 16,000 µ$
        assertThat(total.reasoningTokens()).isEqualTo(264);

        var json = split.toJson();
        assertThat(json.at("/standard/cost_usd").decimalValue()).isEqualByComparingTo("0.012157"); // micro, half-up
        assertThat(json.at("/priority/cost_usd").decimalValue()).isEqualByComparingTo("0.004131");
        assertThat(json.at("/standard/cached_input/cost_usd").decimalValue()).isEqualByComparingTo("0.000205");
        assertThat(json.at("/flex/cache_write/tokens").asLong()).isEqualTo(1_920);
        assertThat(json.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.047168");
        assertThat(json.at("/total/output/reasoning_tokens").asLong()).isEqualTo(264);
        assertThat(Json.write(json)).doesNotContain("E-"); // plain decimals, never scientific notation

        var lines = split.textLines();
        assertThat(lines.get(0))
                .isEqualTo("standard  $0.012157 = input 1,976 tok $0.003952 + cached 1,024 tok $0.000205 + cache"
                        + " write 0 tok $0.000000 + output 500 tok (reasoning 200) $0.008000");
        assertThat(lines.get(lines.size() - 1)).startsWith("total     $0.047168 = ");
    }

    @Test
    void eachLine_equalsWhatCostCharges() throws Exception {
        PriceTable prices = table();
        var usage = new TokenUsage(12_345, 2_048, 1_024, 678);
        for (PriceTier tier : PriceTier.values()) {
            var split = new CostSplit();
            split.add(prices, "acme-5.6", tier, usage, 0);
            assertThat(split.total().usd().setScale(10, java.math.RoundingMode.HALF_UP))
                    .isEqualTo(prices.cost("acme-5.6", tier, usage));
        }
        assertThat(new CostSplit().total().usd()).isEqualByComparingTo(BigDecimal.ZERO);
    }
}
