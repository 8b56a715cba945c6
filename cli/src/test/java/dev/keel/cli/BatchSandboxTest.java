package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.ledger.RunState;
import dev.keel.batch.ledger.RunUpstream;
import dev.keel.batch.report.SandboxMark;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel batch} in the default mode (no key, no base URL) and against an unreachable upstream:
 * sandbox output is marked wherever it lands, a sandbox run is never resumed against a real
 * upstream (nor the reverse), the sandbox's files and batches live next to the ledger, and waiting
 * on an upstream that cannot be reached is visible and bounded (exit 3, the run resumable).
 */
class BatchSandboxTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    private int keel(Map<String, String> env, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db",
                "jdbc:sqlite:" + dir.resolve("keel.db"),
                "--run-dir",
                dir.resolve("runs").toString()));
        return cli.env(env).run(all);
    }

    private int sandbox(String... args) {
        return keel(Map.of(), args);
    }

    private Path input(int n) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add("{\"custom_id\":\"s-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + "\",\"max_output_tokens\":30}}");
        }
        Path p = dir.resolve("in-" + n + ".jsonl");
        Files.write(p, lines);
        return p;
    }

    private Ledger ledger() {
        return new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
    }

    private static int closedPort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSandboxRun_isMarkedInTheReportTheResultsTheStatusTheJsonAndTheLedger() throws Exception {
        Path in = input(6);
        assertThat(sandbox("batch", "run", in.toString(), "--max-items", "3"))
                .as(cli.err())
                .isZero();
        assertThat(cli.err()).contains("using the embedded emulator");
        assertThat(cli.out()).startsWith(SandboxMark.HEADER);
        String runId = ledger().latestRun().orElseThrow().runId();
        assertThat(RunUpstream.of(ledger(), runId)).contains("sandbox");
        Path results = Path.of(ledger().run(runId).orElseThrow().runDir());
        assertThat(results.resolve("SANDBOX")).content().contains("emulated");
        assertThat(Files.readAllLines(results.resolve("results.jsonl"))).hasSize(6);

        assertThat(sandbox("batch", "report", "--format", "json")).isZero();
        JsonNode report = Json.parse(cli.out());
        assertThat(report.path("sandbox").asBoolean()).isTrue();
        assertThat(report.path("upstream").asText()).isEqualTo("sandbox");
        assertThat(sandbox("batch", "status")).isZero();
        assertThat(cli.out()).startsWith(SandboxMark.HEADER);
        assertThat(sandbox("batch", "status", "--format", "json")).isZero();
        assertThat(Json.parse(cli.out()).path("sandbox").asBoolean()).isTrue();

        assertThat(dir.resolve("sandbox/batches"))
                .as("the sandbox keeps its batches next to the ledger")
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("batch_"));
    }

    @Test
    void aRealRun_isNotMarked() throws Exception {
        try (var emulator =
                Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build())) {
            Path in = input(2);
            assertThat(keel(
                            Map.of(),
                            "batch",
                            "run",
                            in.toString(),
                            "--base-url",
                            emulator.baseUrl().toString(),
                            "--poll-interval",
                            "20ms",
                            "--format",
                            "json"))
                    .as(cli.err())
                    .isZero();
            JsonNode report = Json.parse(cli.out());
            assertThat(report.path("sandbox").asBoolean()).isFalse();
            assertThat(report.path("upstream").asText())
                    .isEqualTo(emulator.baseUrl().toString());
            String runId = ledger().latestRun().orElseThrow().runId();
            assertThat(Path.of(ledger().run(runId).orElseThrow().runDir()).resolve("SANDBOX"))
                    .doesNotExist();
        }
    }

    @Test
    void aSandboxRun_isNotResumedAgainstARealUpstream_norTheReverse() throws Exception {
        Path in = input(2);
        assertThat(sandbox("batch", "run", in.toString())).isZero();
        try (var emulator =
                Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build())) {
            assertThat(keel(
                            Map.of(),
                            "batch",
                            "run",
                            in.toString(),
                            "--base-url",
                            emulator.baseUrl().toString()))
                    .isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(cli.err())
                    .contains("was started against the embedded emulator (sandbox) and cannot be resumed against "
                            + emulator.baseUrl())
                    .contains("--new-run");
            assertThat(emulator.requests())
                    .as("nothing was sent to the real upstream")
                    .isEmpty();

            Path real = input(3);
            assertThat(keel(
                            Map.of(),
                            "batch",
                            "run",
                            real.toString(),
                            "--base-url",
                            emulator.baseUrl().toString(),
                            "--poll-interval",
                            "20ms"))
                    .isZero();
            assertThat(sandbox("batch", "run", real.toString())).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(cli.err())
                    .contains("was started against " + emulator.baseUrl()
                            + " and cannot be resumed against the embedded emulator (sandbox)")
                    .contains("OPENAI_API_KEY");
        }
    }

    @Test
    void run_againstAnUnreachableUpstream_saysWhatItWaitsFor_givesUpWithExit3_andStaysResumable() throws Exception {
        Path in = input(2);
        int port = closedPort();
        int code = keel(
                Map.of(),
                "batch",
                "run",
                in.toString(),
                "--base-url",
                "http://127.0.0.1:" + port + "/v1",
                "--poll-interval",
                "100ms",
                "--give-up-after",
                "1s");
        assertThat(code).as(cli.err()).isEqualTo(ExitCodes.UPSTREAM_UNAVAILABLE);
        assertThat(cli.err())
                .contains("keel: waiting for upstream http://127.0.0.1:" + port + "/v1: ")
                .contains("; giving up in ")
                .contains("gave up after 1s without getting through to upstream http://127.0.0.1:" + port)
                .contains("is resumable");
        RunRecord run = ledger().latestRun().orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.ACTIVE);

        try (var emulator =
                Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build())) {
            assertThat(keel(
                            Map.of(),
                            "batch",
                            "run",
                            in.toString(),
                            "--base-url",
                            emulator.baseUrl().toString(),
                            "--poll-interval",
                            "20ms"))
                    .as("the same command resumes once the upstream is back: " + cli.err())
                    .isZero();
        }
    }

    @Test
    void submitThenCollect_inTheSandbox_findsTheBatchesTheFirstCommandCreated() throws Exception {
        Path in = input(4);
        assertThat(sandbox("batch", "submit", in.toString(), "--max-items", "2"))
                .as(cli.err())
                .isZero();
        String runId = ledger().latestRun().orElseThrow().runId();
        assertThat(ledger().itemCounts(runId).get(dev.keel.batch.ledger.ItemState.SUBMITTED))
                .isEqualTo(4);
        int code = ExitCodes.OK;
        for (int i = 0; i < 50 && ledger().itemCounts(runId).get(dev.keel.batch.ledger.ItemState.SUCCEEDED) < 4; i++) {
            code = sandbox("batch", "collect");
        }
        assertThat(code).as(cli.err()).isZero();
        assertThat(ledger().itemCounts(runId).get(dev.keel.batch.ledger.ItemState.SUCCEEDED))
                .isEqualTo(4);
        assertThat(cli.err()).doesNotContain("404");
    }

    @Test
    void submit_thatSubmittedNothing_exits3() throws Exception {
        Path in = input(2);
        int code = keel(
                Map.of(), "batch", "submit", in.toString(), "--base-url", "http://127.0.0.1:" + closedPort() + "/v1");
        assertThat(code).as(cli.err()).isEqualTo(ExitCodes.UPSTREAM_UNAVAILABLE);
        assertThat(cli.err()).contains("nothing was submitted").contains("waiting for upstream");
    }

    @Test
    void giveUpAfter_mustBeAPositiveDuration() throws Exception {
        Path in = input(1);
        assertThat(sandbox("batch", "run", in.toString(), "--give-up-after", "soon"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("Invalid value for option '--give-up-after': 'soon' is not a duration; use e.g. 30s, 250ms,"
                        + " 5m");
        assertThat(sandbox("batch", "run", in.toString(), "--give-up-after", "0s"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("flag --give-up-after: batch.give-up-after: must be at least 1ms, was 0ms");
    }
}
