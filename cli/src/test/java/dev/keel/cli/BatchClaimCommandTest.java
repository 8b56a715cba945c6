package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.RunState;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.batch.plan.RunInput;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel batch} in-process while another process (a claim row on another host) drives the run. */
class BatchClaimCommandTest {

    private static final WorkerIdentity OTHER = new WorkerIdentity("other-host", 4242, "0ther");

    @TempDir
    Path dir;

    private Emulator emulator;
    private Ledger ledger;
    private RunClaims claims;
    private final CliHarness cli = new CliHarness();
    private Path input;
    private String runId;

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build());
        ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
        claims = new RunClaims(ledger, RunClaims.SYSTEM_PIDS);
        var lines = new ArrayList<String>();
        for (int i = 1; i <= 6; i++) {
            lines.add("{\"custom_id\":\"t-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + "\",\"max_output_tokens\":30}}");
        }
        input = dir.resolve("in.jsonl");
        Files.write(input, lines);
        runId = RunInput.of(input).runId();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int keel(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db",
                "jdbc:sqlite:" + dir.resolve("keel.db"),
                "--run-dir",
                dir.resolve("runs").toString()));
        if (!args[1].equals("status")) {
            all.addAll(List.of("--base-url", emulator.baseUrl().toString(), "--poll-interval", "20ms"));
        }
        return cli.run(all);
    }

    private void otherDrives(long leaseUntil) {
        long now = System.currentTimeMillis();
        claims.claim(runId, OTHER, "run", now, leaseUntil - now);
    }

    @Test
    void submit_whileAnotherLiveProcessDrivesTheRun_exits5AndSubmitsNothing() {
        otherDrives(System.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
        assertThat(keel("batch", "submit", input.toString())).isEqualTo(ExitCodes.RUN_BUSY);
        assertThat(cli.err())
                .contains("keel: run " + runId + " is being driven by 'keel batch run' (worker other-host:4242:0ther,"
                        + " host other-host, pid 4242) since ")
                .contains("this process submitted nothing");
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        assertThat(ledger.run(runId)).as("not even planned").isEmpty();
    }

    @Test
    void cancel_ofARunAnotherProcessDrives_recordsTheCancelForItAndExitsZero() {
        assertThat(keel("batch", "submit", input.toString())).isZero();
        otherDrives(System.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
        assertThat(keel("batch", "status", "--run", runId, "--format", "json")).isZero();
        assertThat(Json.parse(cli.out()).path("driven_by").path("worker").asText())
                .isEqualTo(OTHER.id());

        assertThat(keel("batch", "cancel", "--run", runId)).isZero();
        assertThat(cli.err()).contains("cancel requested; 'keel batch run' (worker other-host:4242:0ther");
        assertThat(ledger.run(runId).orElseThrow().state()).isEqualTo(RunState.CANCELLING);
        assertThat(emulator.requests(
                        "POST", "/v1/batches/" + ledger.chunks(runId).get(0).batchId() + "/cancel"))
                .as("the driver cancels its batches, not this command")
                .isEmpty();
    }

    @Test
    void run_afterTheHoldersLeaseLapsed_takesOverAndFinishes() {
        otherDrives(System.currentTimeMillis() - 1);
        assertThat(keel("batch", "run", input.toString())).as(cli.err()).isZero();
        assertThat(claims.holder(runId)).as("given back at the end").isEmpty();
    }

    @Test
    void run_withALeaseShorterThanThePerCallTimeout_isRefusedBeforeAnythingHappens() {
        assertThat(keel("batch", "run", input.toString(), "--lease", "5s", "--per-call-timeout", "6s"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("flag --lease: batch.lease: must be at least timeouts.per-call (6s, flag --per-call-timeout),"
                        + " was 5s");
        assertThat(ledger.run(runId)).isEmpty();
    }
}
