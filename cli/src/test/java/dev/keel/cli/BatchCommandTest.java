package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel batch} in-process against an emulator: exit codes, messages, formats. */
class BatchCommandTest {

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

    private int keel(String... args) {
        var all = new ArrayList<>(List.of(args));
        if (!args[1].equals("replay"))
            all.addAll(List.of(
                    "--db",
                    "jdbc:sqlite:" + dir.resolve("keel.db"),
                    "--run-dir",
                    dir.resolve("runs").toString()));
        if (!args[1].equals("status") && !args[1].equals("report") && !args[1].equals("replay")) {
            all.addAll(List.of("--base-url", emulator.baseUrl().toString(), "--poll-interval", "20ms"));
        }
        return cli.run(all);
    }

    private Path input(int n, String... extra) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add("{\"custom_id\":\"t-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + "\",\"max_output_tokens\":30}}");
        }
        lines.addAll(List.of(extra));
        Path p = dir.resolve("in-" + n + "-" + extra.length + ".jsonl");
        Files.write(p, lines);
        return p;
    }

    @Test
    void run_reportsHalfPriceAndExportsResults() throws Exception {
        Path in = input(12);
        assertThat(keel("batch", "run", in.toString(), "--max-items", "5", "--format", "json"))
                .isZero();
        var report = Json.parse(cli.out());
        assertThat(report.at("/items/ok").asInt()).isEqualTo(12);
        assertThat(report.at("/cost_usd/savings_percent").asDouble())
                .isEqualTo(50.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(report.at("/alert/firing").asBoolean()).isFalse();
        assertThat(cli.err()).contains("planned run-").contains("12 items in 3 chunks");
        String runId = report.path("run_id").asText();
        assertThat(Files.readAllLines(dir.resolve("runs").resolve(runId).resolve("results.jsonl")))
                .hasSize(12);
        assertThat(dir.resolve("runs").resolve(runId).resolve("chunks").resolve(runId + "-chunk-0001.jsonl"))
                .exists();
    }

    @Test
    void run_sameFileAgain_resumesItsRunAndSubmitsNothingTwice() throws Exception {
        Path in = input(6);
        assertThat(keel("batch", "run", in.toString())).isZero();
        int creates = emulator.requests("POST", "/v1/batches").size();
        assertThat(keel("batch", "run", in.toString())).isZero();
        assertThat(cli.err()).contains("resuming run");
        assertThat(emulator.requests("POST", "/v1/batches")).hasSize(creates);
        assertThat(cli.out()).contains("6 in, 6 ok");
    }

    @Test
    void run_invalidInput_isRefusedWithFileLineAndCustomId() throws Exception {
        Path in = input(
                2,
                "{\"custom_id\":\"bad\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4o\",\"stream\":true}}");
        assertThat(keel("batch", "run", in.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains(in + ":3: bad: body.stream is true")
                .contains("nothing was submitted")
                .contains("--skip-invalid");
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
        assertThat(keel("batch", "run", in.toString(), "--skip-invalid")).isZero();
        assertThat(cli.err()).contains("1 lines rejected to");
    }

    @Test
    void run_aChunkTheUpstreamRefuses_endsInTheManualQueueWhileTheRestSucceeds_exits1() throws Exception {
        emulator.replaceFaults(new FaultPlan(
                1,
                List.of(FaultRule.scripted(
                        "POST /v1/batches",
                        List.of(FaultSpec.parse("status:400,code:invalid_request_error"), FaultSpec.parse("ok"))))));
        Path in = input(10);

        assertThat(keel("batch", "run", in.toString(), "--max-items", "5", "--format", "json"))
                .isEqualTo(ExitCodes.JOB_FAILURES);

        var report = Json.parse(cli.out());
        assertThat(report.at("/items/ok").asInt()).isEqualTo(5);
        assertThat(report.at("/items/manual").asInt()).isEqualTo(5);
        assertThat(report.at("/items/pending").asInt()).isZero();
        assertThat(cli.err()).contains("manual queue in");
        Path runDir = Files.list(dir.resolve("runs")).findFirst().orElseThrow();
        List<String> manual = Files.readAllLines(runDir.resolve("manual.jsonl"));
        assertThat(manual)
                .extracting(l -> Json.parse(l).path("custom_id").asText())
                .containsExactly("t-1", "t-2", "t-3", "t-4", "t-5");
        assertThat(manual)
                .allSatisfy(l -> assertThat(Json.parse(l).path("code").asText()).isEqualTo("invalid_request_error"));
        assertThat(keel("batch", "status", "--format", "json")).isZero();
        var status = Json.parse(cli.out());
        assertThat(status.at("/chunks/0/state").asText()).isEqualTo("refused");
        assertThat(status.at("/chunks/1/state").asText()).isEqualTo("done");
    }

    @Test
    void run_costCeilingReached_exitsWithItsOwnCodeAndSaysHowToResume() throws Exception {
        Path in = input(10);
        assertThat(keel("batch", "run", in.toString(), "--max-items", "5", "--max-cost", "0.000001"))
                .isEqualTo(ExitCodes.COST_CEILING);
        assertThat(cli.err())
                .contains("cost ceiling reached: 10 items stay pending")
                .contains("--max-cost");
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        assertThat(keel("batch", "status", "--format", "json")).isZero();
        var status = Json.parse(cli.out());
        assertThat(status.at("/items/pending").asInt()).isEqualTo(10);
        assertThat(status.at("/chunks/0/held").asText()).startsWith("run cost ceiling");
        assertThat(keel("batch", "run", in.toString(), "--max-items", "5", "--max-cost", "1"))
                .isZero();
    }

    @Test
    void reportAndReplay_afterARun_workFromTheLedgerAndFiles() throws Exception {
        emulator.replaceFaults(new dev.keel.emulator.fault.FaultPlan(
                1,
                List.of(dev.keel.emulator.fault.FaultRule.scripted(
                        "POST /v1/batches", List.of(dev.keel.emulator.fault.FaultSpec.parse("batch:partial"))))));
        Path in = input(5);
        assertThat(keel("batch", "run", in.toString(), "--max-replays", "0")).isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(keel("batch", "report")).isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(cli.out()).contains("1 manual").contains("FIRING");
        String runId = Files.list(dir.resolve("runs"))
                .findFirst()
                .orElseThrow()
                .getFileName()
                .toString();
        Path failed = dir.resolve("runs").resolve(runId).resolve("failed.jsonl");
        Path replay = dir.resolve("replay.jsonl");
        assertThat(keel("batch", "replay", "--failed", failed.toString(), "--out", replay.toString()))
                .as("%s%s", cli.err(), cli.out())
                .isZero();
        assertThat(cli.out()).contains("wrote 1 to");
        assertThat(Json.parse(Files.readAllLines(replay).get(0))
                        .path("custom_id")
                        .asText())
                .isEqualTo("t-5");
    }

    @Test
    void help_ofEverySubcommand_explainsIt() {
        for (String sub : List.of("run", "submit", "status", "collect", "replay", "report", "cancel", "worker")) {
            assertThat(cli.run("batch", sub, "--help")).isZero();
            assertThat(cli.out()).contains("Usage: keel batch " + sub);
        }
    }
}
