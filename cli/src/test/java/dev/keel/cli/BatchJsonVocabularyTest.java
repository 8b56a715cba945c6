package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel batch runs} and the one JSON vocabulary of status, report and runs, through the real CommandLine. */
class BatchJsonVocabularyTest {

    @TempDir
    Path dir;

    private Emulator emulator;
    private final CliHarness cli = new CliHarness();

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int keel(boolean upstream, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db",
                "jdbc:sqlite:" + dir.resolve("keel.db"),
                "--run-dir",
                dir.resolve("runs").toString()));
        if (upstream) {
            all.addAll(List.of("--base-url", emulator.baseUrl().toString(), "--poll-interval", "20ms"));
        }
        return cli.run(all);
    }

    private Path input(String name, int n) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add("{\"custom_id\":\"" + name + "-" + i
                    + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"" + name + " " + i + "\",\"max_output_tokens\":30}}");
        }
        Path p = dir.resolve(name + ".jsonl");
        Files.write(p, lines);
        return p;
    }

    private JsonNode json() {
        return Json.parse(cli.out());
    }

    private static List<String> names(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void runs_listsEveryRunNewestFirst_withStateCountsCostAndCreated() throws Exception {
        assertThat(keel(false, "batch", "runs", "--format", "json")).isZero();
        assertThat(json().path("runs")).isEmpty();
        assertThat(keel(false, "batch", "runs")).isZero();
        assertThat(cli.out()).contains("no runs in").contains("keel batch run FILE.jsonl");

        assertThat(keel(true, "batch", "run", input("first", 3).toString())).isZero();
        assertThat(keel(true, "batch", "run", input("second", 4).toString())).isZero();

        assertThat(keel(false, "batch", "runs", "--format", "json")).isZero();
        JsonNode runs = json().path("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("input_file").asText()).endsWith("second.jsonl");
        assertThat(runs.get(1).path("input_file").asText()).endsWith("first.jsonl");
        JsonNode newest = runs.get(0);
        assertThat(names(newest))
                .startsWith("run_id", "state", "input_file", "created", "finished", "items", "cost_usd");
        assertThat(newest.path("state").asText()).isEqualTo("done");
        assertThat(newest.at("/items/input").asInt()).isEqualTo(4);
        assertThat(newest.at("/items/ok").asInt()).isEqualTo(4);
        assertThat(java.time.Instant.parse(newest.path("created").asText())).isNotNull();
        assertThat(newest.at("/cost_usd/effective").decimalValue().scale()).isEqualTo(6);
        assertThat(newest.at("/cost_usd/effective").decimalValue().signum()).isPositive();

        assertThat(keel(false, "batch", "runs", "--limit", "1")).isZero();
        assertThat(cli.out()).contains("RUN_ID").contains("second.jsonl").doesNotContain("first.jsonl");
    }

    @Test
    void statusAndReport_nameTheSameCountsTheSameWay_inLowerCaseWithMicroDollars() throws Exception {
        assertThat(keel(true, "batch", "run", input("t", 5).toString(), "--format", "json"))
                .isZero();
        JsonNode run = json();
        assertThat(keel(false, "batch", "status", "--format", "json")).isZero();
        JsonNode status = json();
        assertThat(keel(false, "batch", "report", "--format", "json")).isZero();
        JsonNode report = json();
        String reportText = cli.out();

        assertThat(report).isEqualTo(run);
        assertThat(names(status)).startsWith("run_id", "state", "input_file", "items");
        assertThat(names(report)).startsWith("run_id", "state", "input_file", "items");
        for (String count : List.of("input", "rejected", "ok", "manual", "pending", "reused")) {
            assertThat(status.at("/items/" + count).asLong())
                    .as(count)
                    .isEqualTo(report.at("/items/" + count).asLong());
        }
        assertThat(status.path("state").asText())
                .isEqualTo("done")
                .isEqualTo(report.path("state").asText());
        assertThat(status.at("/chunks/0/state").asText()).isEqualTo("done");
        assertThat(status.at("/chunks/0/batch_status").asText()).isEqualTo("completed");
        for (String money : List.of("batch", "sync_fallback", "effective", "sync_equivalent")) {
            var amount = report.at("/cost_usd/" + money).decimalValue();
            assertThat(amount.stripTrailingZeros().scale()).as(money).isLessThanOrEqualTo(6);
        }
        assertThat(reportText)
                .containsPattern("\"batch\":0\\.\\d{6}[,}]")
                .contains("\"sync_fallback\":0.000000")
                .containsPattern("\"sync_equivalent\":0\\.\\d{6}[,}]")
                .containsPattern("\"spent_usd\":0\\.\\d{6}[,}]");
        assertThat(Set.of(report.at("/cost_usd/savings_percent").asDouble())).containsExactly(50.0);
    }

    @Test
    void unknownRun_pointsToBatchRuns() throws Exception {
        assertThat(keel(false, "batch", "status", "--run", "run-nope")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("no run 'run-nope'").contains("'keel batch runs'");
        assertThat(keel(false, "batch", "runs", "--limit", "-1")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--limit -1");
    }
}
