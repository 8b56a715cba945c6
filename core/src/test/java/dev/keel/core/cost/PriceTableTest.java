package dev.keel.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

    private final PriceTable table = PriceTable.builtIn();

    @Test
    void everyShippedModelHasBatchAtHalfTheSyncPrice() {
        for (String model : new String[] {"gpt-4.1-mini", "gpt-4o", "gpt-5", "o4-mini", "text-embedding-3-small"}) {
            ModelPrice p = table.require(model);
            assertThat(p.batch().input().multiply(BigDecimal.TWO))
                    .isEqualByComparingTo(p.standard().input());
            assertThat(p.batch().output().multiply(BigDecimal.TWO))
                    .isEqualByComparingTo(p.standard().output());
        }
        assertThat(table.asOf()).matches("\\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    void costChargesCachedInputAtTheCachedRate() {
        // gpt-4.1-mini: input 0.40, cached 0.10, output 1.60 per 1M
        var usage = new TokenUsage(1_000_000, 250_000, 500_000);
        assertThat(table.cost("gpt-4.1-mini", PriceTier.STANDARD, usage))
                .isEqualByComparingTo("1.125"); // 0.75*0.40 + 0.25*0.10 + 0.5*1.60
        assertThat(table.cost("gpt-4.1-mini", PriceTier.BATCH, usage)).isEqualByComparingTo("0.5625");
    }

    @Test
    void datedSnapshotsArePricedAsTheirBaseModel() {
        assertThat(table.find("gpt-4.1-mini-2025-04-14")).contains(table.require("gpt-4.1-mini"));
        assertThat(table.find("GPT-4o")).isPresent();
        assertThat(table.find("gpt-4.1-minix")).isEmpty();
    }

    @Test
    void anUnknownModelSaysHowToAddIt() {
        assertThatThrownBy(() -> table.cost("my-finetune", PriceTier.STANDARD, TokenUsage.ZERO))
                .isInstanceOf(UnknownModelPriceException.class)
                .hasMessageContaining("'my-finetune'")
                .hasMessageContaining("--prices FILE");
    }

    @Test
    void anOverrideFileReplacesAndAddsModelsAndDerivesMissingBatchPrices(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"as_of": "2026-11-01", "models": {
                  "gpt-4.1-mini": {"sync": {"input": 1, "output": 2}},
                  "my-finetune": {"sync": {"input": 3, "cached_input": 1, "output": 6}, "batch": {"input": 1, "output": 2}}
                }}""");
        PriceTable custom = PriceTable.load(file);
        assertThat(custom.asOf()).isEqualTo("2026-11-01");
        assertThat(custom.require("gpt-4.1-mini").batch().input()).isEqualByComparingTo("0.5");
        assertThat(custom.require("gpt-4.1-mini").standard().cachedInput()).isEqualByComparingTo("1");
        assertThat(custom.require("my-finetune").batch().output()).isEqualByComparingTo("2");
        assertThat(custom.require("gpt-4o")).isEqualTo(table.require("gpt-4o"));
    }

    @Test
    void aBadOverrideFileNamesTheFileAndModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"models": {"x": {"sync": {"input": "cheap", "output": 1}}}}""");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("model x")
                .hasMessageContaining("sync.input must be a number");
        Files.writeString(file, """
                {"models": {"x": {"sync": {"input": -1, "output": 1}}}}""");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("sync.input must be >= 0");
    }

    @Test
    void anUnknownKeyIsRefusedWithFileLineAndSuggestion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(
                file,
                "{\"models\": {\n  \"x\": {\"sync\": {\"input\": 1, \"output\": 2},\n"
                        + "  \"bath\": {\"input\": 1, \"output\": 1}}}}");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageContaining(file + ":3")
                .hasMessageContaining("unknown key 'bath'")
                .hasMessageContaining("did you mean 'batch'?");
        Files.writeString(file, "{\"modles\": {}}");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageContaining(file + ":1")
                .hasMessageContaining("did you mean 'models'?");
        Files.writeString(file, "{\"models\": {\"x\": {\"sync\": {\"input\": 1, \"outptu\": 2}}}}");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("did you mean 'output'?");
    }

    @Test
    void hugeExponentsNegativeAndMissingRatesAreRefusedNamingTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"models\": {\"x\": {\"sync\": {\"input\": 1e999999999, \"output\": 2}}}}");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("sync.input")
                .hasMessageContaining("an exponent?");
        Files.writeString(file, "{\"models\": {\"x\": {\"sync\": {\"input\": 1e-999999999, \"output\": 2}}}}");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("decimal places");
        Files.writeString(file, "{\"models\": {\"x\": {\"sync\": {\"input\": 1}}}}");
        assertThatThrownBy(() -> PriceTable.load(file))
                .hasMessageContaining("sync.output is missing")
                .hasMessageContaining("0 if free");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("not a JSON array");
        Files.writeString(file, "{\"models\": {\"x\": 3}}");
        assertThatThrownBy(() -> PriceTable.load(file)).hasMessageContaining("model x: expected an object");
    }

    @Test
    void usageReadsResponsesChatAndEmbeddingsShapes() throws Exception {
        var responses = Json.mapper().readTree("""
                {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 4}, "output_tokens": 7}""");
        var chat = Json.mapper().readTree("""
                {"prompt_tokens": 9, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": 2}}""");
        var embeddings = Json.mapper().readTree("""
                {"prompt_tokens": 5, "total_tokens": 5}""");
        assertThat(TokenUsage.fromJson(responses)).isEqualTo(new TokenUsage(12, 4, 7));
        assertThat(TokenUsage.fromJson(chat)).isEqualTo(new TokenUsage(9, 2, 3));
        assertThat(TokenUsage.fromJson(embeddings)).isEqualTo(new TokenUsage(5, 0, 0));
        assertThat(TokenUsage.fromJson(null)).isEqualTo(TokenUsage.ZERO);
        assertThat(new TokenUsage(1, 0, 2).plus(new TokenUsage(3, 1, 4))).isEqualTo(new TokenUsage(4, 1, 6));
    }
}
