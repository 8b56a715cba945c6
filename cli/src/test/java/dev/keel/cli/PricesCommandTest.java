package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel prices}: the table listed, as text and JSON, and a price file checked. */
class PricesCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    @Test
    void shippedTable_listsEveryModelAndTierWithItsDate() {
        assertThat(cli.run("prices")).isZero();
        assertThat(cli.out())
                .contains("prices as of 2026-12-02 (shipped table)")
                .containsPattern("gpt-5\\.1\\s+standard\\s+1\\.25\\s+0\\.125\\s+not_billed\\s+10")
                .containsPattern("gpt-4o-mini\\s+batch\\s+0\\.075");
    }

    @Test
    void formatJson_givesRatesPerTier() {
        assertThat(cli.run("prices", "--format", "json")).isZero();
        var doc = Json.parse(cli.out());
        assertThat(doc.path("as_of").asText()).isEqualTo("2026-12-02");
        assertThat(doc.path("source").asText()).isEqualTo("shipped");
        assertThat(doc.at("/models/gpt-5.1/tiers/standard/input").decimalValue())
                .isEqualByComparingTo("1.25");
        assertThat(doc.at("/models/gpt-5.1/tiers/standard/cache_write").asText())
                .isEqualTo("not_billed");
        assertThat(doc.at("/models/gpt-4o-mini/tiers/batch/output").decimalValue())
                .isEqualByComparingTo("0.30");
    }

    @Test
    void aPriceFileWithAMisspeltKey_exits2NamingFileAndLine() throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {
                  "as_of": "2026-12-01",
                  "models": {
                    "acme-1": { "standard": { "input": 1, "cached_input": 0.5, "ouput": 2 } }
                  }
                }
                """);
        assertThat(cli.run("prices", "--prices", file.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--prices").contains(file + ":4").contains("ouput");
    }

    @Test
    void aValidPriceFile_isLaidOverTheShippedTable() throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"as_of": "2026-12-01", "models": {"acme-1": {"standard": {"input": 1, "cached_input": 0.5, "cache_write": "not_billed", "output": 2}}}}
                """);
        assertThat(cli.run("prices", "--prices", file.toString(), "--format", "json"))
                .isZero();
        var doc = Json.parse(cli.out());
        assertThat(doc.at("/models/acme-1/tiers/standard/output").decimalValue())
                .isEqualByComparingTo("2");
        assertThat(doc.at("/models/gpt-5.1/tiers/standard/input").decimalValue())
                .isEqualByComparingTo("1.25");
    }
}
