package dev.keel.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiers, cached and cache-write rates, fine-tuned ids and refusals of {@link PriceTable}. */
class PriceTiersTest {

    /** A hand-made table: every figure below is computed by hand from it. */
    static final String TABLE = """
            {"as_of": "2026-12-01", "models": {
              "m": {
                "standard": {"input": 2.00, "cached_input": 0.50, "cache_write": 2.50, "output": 8.00},
                "batch":    {"input": 1.00, "cached_input": 0.25, "cache_write": "not_billed", "output": 4.00},
                "flex":     {"input": 1.00, "cached_input": 0.25, "cache_write": 1.25, "output": 4.00},
                "priority": {"input": 3.50, "cached_input": 0.875, "cache_write": 4.375, "output": 14.00},
                "fine_tuned": {"standard": {"input": 3.00, "cached_input": 0.75, "output": 12.00}}
              },
              "nowrite": {"standard": {"input": 1, "output": 1}}
            }}""";

    static PriceTable table(Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, TABLE);
        return PriceTable.load(file);
    }

    @Test
    void aMixedSetIsPricedExactly_toTheMicroDollar(@TempDir Path dir) throws Exception {
        PriceTable t = table(dir);
        // standard: 1200 in (200 cached, 300 written, 700 plain), 500 out (reasoning included)
        //   700*2 + 200*0.5 + 300*2.5 + 500*8 = 6250 -> 0.006250
        BigDecimal standard = t.cost("m", PriceTier.STANDARD, new TokenUsage(1200, 200, 300, 500));
        // flex: 1000 in, 1000 out: 1000*1 + 1000*4 = 5000 -> 0.005000
        BigDecimal flex = t.cost("m", PriceTier.FLEX, new TokenUsage(1000, 0, 0, 1000));
        // priority: 2000 in (1024 cached), 300 out: 976*3.5 + 1024*0.875 + 300*14 = 8512 -> 0.008512
        BigDecimal priority = t.cost("m", PriceTier.PRIORITY, new TokenUsage(2000, 1024, 0, 300));
        // batch: 4000 in (1000 cached), 2000 out: 3000*1 + 1000*0.25 + 2000*4 = 11250 -> 0.011250
        BigDecimal batch = t.cost("m", PriceTier.BATCH, new TokenUsage(4000, 1000, 0, 2000));
        // batch, cache writes not billed: 100 in (50 written), 0 out: 50*1 + 50*0 = 50 -> 0.000050
        BigDecimal notBilled = t.cost("m", PriceTier.BATCH, new TokenUsage(100, 0, 50, 0));
        // fine-tuned on m, standard: 1000 in (400 cached), 100 out: 600*3 + 400*0.75 + 100*12 = 3300
        BigDecimal ft = t.cost("ft:m:acme::abc123", PriceTier.STANDARD, new TokenUsage(1000, 400, 100));

        assertThat(standard).isEqualByComparingTo("0.006250");
        assertThat(flex).isEqualByComparingTo("0.005000");
        assertThat(priority).isEqualByComparingTo("0.008512");
        assertThat(batch).isEqualByComparingTo("0.011250");
        assertThat(notBilled).isEqualByComparingTo("0.000050");
        assertThat(ft).isEqualByComparingTo("0.003300");
        assertThat(standard.add(flex).add(priority).add(batch).add(notBilled).add(ft))
                .isEqualByComparingTo("0.034362");
    }

    @Test
    void aTierWithoutARateIsRefused_namingModelTierAndHowToAdd(@TempDir Path dir) throws Exception {
        PriceTable t = table(dir);
        assertThatThrownBy(() -> t.cost("nowrite", PriceTier.PRIORITY, TokenUsage.ZERO))
                .isInstanceOf(UnknownModelPriceException.class)
                .hasMessageContaining("no priority price for model 'nowrite'")
                .hasMessageContaining("--prices FILE")
                .hasMessageContaining("never priced at zero");
        // standard given, batch derived at half: 1M in -> 0.5
        assertThat(t.cost("nowrite", PriceTier.BATCH, new TokenUsage(1_000_000, 0, 0)))
                .isEqualByComparingTo("0.5");
        // no cache_write given: a usage with cache writes is refused, one without is priced
        assertThat(t.cost("nowrite", PriceTier.STANDARD, new TokenUsage(10, 5, 0, 0)))
                .isEqualByComparingTo("0.000010");
        assertThatThrownBy(() -> t.cost("nowrite", PriceTier.STANDARD, new TokenUsage(10, 0, 5, 0)))
                .isInstanceOf(UnknownModelPriceException.class)
                .hasMessageContaining("no cache_write price for model 'nowrite' tier standard")
                .hasMessageContaining("\"not_billed\"");
    }

    @Test
    void fineTunedIds_usTheBaseModelsFineTunedRates_orAreRefusedWithHowToAdd(@TempDir Path dir) throws Exception {
        PriceTable t = table(dir);
        assertThat(t.require("ft:m:acme::abc123").model()).isEqualTo("ft:m");
        assertThat(t.require("ft:m-2026-01-01:acme:custom:xyz").model()).isEqualTo("ft:m");
        assertThatThrownBy(() -> t.cost("ft:m:acme::abc123", PriceTier.FLEX, TokenUsage.ZERO))
                .isInstanceOf(UnknownModelPriceException.class)
                .hasMessageContaining("no fine-tuned flex price for 'ft:m:acme::abc123' (base model 'm')")
                .hasMessageContaining("\"fine_tuned\"");
        assertThatThrownBy(() -> t.require("ft:nowrite:acme::abc"))
                .isInstanceOf(UnknownModelPriceException.class)
                .hasMessageContaining("base model 'nowrite'")
                .hasMessageContaining("--prices FILE");
        assertThat(t.find("ft:unknown:acme::x")).isEmpty();
    }

    @Test
    void theShippedTableIsCurrent_andPricesGpt51_flexAtBatchRates() {
        PriceTable t = PriceTable.builtIn();
        assertThat(t.asOf()).isEqualTo("2026-12-02");
        // gpt-5.1 standard 1.25 / 0.125 / 10; flex = batch = half
        var usage = new TokenUsage(1_000_000, 200_000, 0, 100_000);
        assertThat(t.cost("gpt-5.1", PriceTier.STANDARD, usage)).isEqualByComparingTo("2.025"); // 1 + 0.025 + 1
        assertThat(t.cost("gpt-5.1", PriceTier.FLEX, usage)).isEqualByComparingTo("1.0125");
        assertThat(t.cost("gpt-5.1-2025-11-13", PriceTier.BATCH, usage)).isEqualByComparingTo("1.0125");
        // gpt-5.4: only a published priority price; standard is refused, not zero
        assertThat(t.cost("gpt-5.4", PriceTier.PRIORITY, new TokenUsage(1_000_000, 0, 0)))
                .isEqualByComparingTo("5.00");
        assertThatThrownBy(() -> t.cost("gpt-5.4", PriceTier.STANDARD, TokenUsage.ZERO))
                .hasMessageContaining("no standard price for model 'gpt-5.4'");
        // families before 5.6 say explicitly that cache writes are not billed
        for (String model : t.models()) {
            for (Rates r : t.require(model).tiers().values()) {
                assertThat(r.cacheWrite()).as(model).isEqualByComparingTo(BigDecimal.ZERO);
            }
        }
    }

    @Test
    void oldFilesWithSyncReadAsStandard_andBothAtOnceIsAnError(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("old.json");
        Files.writeString(old, "{\"models\": {\"x\": {\"sync\": {\"input\": 1, \"output\": 2}}}}");
        assertThat(PriceTable.load(old).require("x").standard().output()).isEqualByComparingTo("2");
        Path both = dir.resolve("both.json");
        Files.writeString(both, """
                {"models": {"x": {
                  "standard": {"input": 1, "output": 2},
                  "sync": {"input": 1, "output": 2}}}}""");
        assertThatThrownBy(() -> PriceTable.load(both))
                .hasMessageStartingWith(both + ":3")
                .hasMessageContaining("sync is the old name of standard");
    }

    @Test
    void badCacheWriteAndUnknownTierAreNamedWithFileLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.json");
        Files.writeString(file, """
                {"models": {"x": {
                  "standard": {"input": 1, "output": 2, "cache_write": "free"}}}}""");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageStartingWith(file + ":2")
                .hasMessageContaining("standard.cache_write must be a number")
                .hasMessageContaining("\"not_billed\"");
        Files.writeString(file, """
                {"models": {"x": {
                  "standard": {"input": 1, "output": 2},
                  "flexx": {"input": 1, "output": 2}}}}""");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageStartingWith(file + ":3")
                .hasMessageContaining("unknown key 'flexx'")
                .hasMessageContaining("did you mean 'flex'?");
        Files.writeString(file, "{\"models\": {\"x\": {\"notes\": \"nothing\"}}}");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("model x: no prices");
    }

    @Test
    void servedTiersMapAsTheApiEchoesThem() {
        assertThat(PriceTier.ofServiceTier(null)).contains(PriceTier.STANDARD);
        assertThat(PriceTier.ofServiceTier("default")).contains(PriceTier.STANDARD);
        assertThat(PriceTier.ofServiceTier("flex")).contains(PriceTier.FLEX);
        assertThat(PriceTier.ofServiceTier("priority")).contains(PriceTier.PRIORITY);
        assertThat(PriceTier.ofServiceTier("fast")).contains(PriceTier.PRIORITY);
        assertThat(PriceTier.ofServiceTier("scale")).isEmpty();
        assertThat(TokenUsage.fromJson(Json.parse("{\"input_tokens\":100,\"input_tokens_details\":"
                        + "{\"cached_tokens\":40,\"cache_write_tokens\":10},\"output_tokens\":7,"
                        + "\"output_tokens_details\":{\"reasoning_tokens\":5}}")))
                .isEqualTo(new TokenUsage(100, 40, 10, 7));
    }
}
