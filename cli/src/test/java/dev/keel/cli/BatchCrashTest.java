package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.testing.TestPostgres;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety, for real: {@code keel batch} runs as a child JVM against an emulator in this JVM and
 * is killed with SIGKILL at random points, then rerun; afterwards every input {@code custom_id} must
 * have exactly one terminal state, no chunk may have been created upstream twice (the emulator's
 * recorded requests), and no result may be lost.
 */
class BatchCrashTest {

    private static final int ITEMS = 600;

    @TempDir
    Path dir;

    private Emulator emulator;
    private Path input;

    @BeforeEach
    void start() throws IOException {
        emulator = Emulator.start(EmulatorConfig.builder()
                .batchSpeed(2_000)
                .recordCapacity(1_000_000)
                .build());
        // Every call takes 20-60 ms, so a run lasts long enough for kills to land in every phase.
        emulator.replaceFaults(new FaultPlan(
                7,
                List.of(
                        FaultRule.withProbability("POST /v1/batches", 0.3, FaultSpec.parse("batch:partial")),
                        FaultRule.withProbability("*", 1.0, FaultSpec.parse("latency:20ms..60ms")))));
        var lines = new ArrayList<String>();
        for (int i = 1; i <= ITEMS; i++) {
            lines.add("{\"custom_id\":\"job-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"Classify item " + i + "\",\"max_output_tokens\":20}}");
        }
        input = dir.resolve("input.jsonl");
        Files.write(input, lines);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Process keel(Path log, String... args) throws IOException {
        var all = new ArrayList<String>(List.of("batch"));
        all.addAll(List.of(args));
        return ChildKeel.start(dir, log, Map.of("OPENAI_API_KEY", "sk-test-crash", "KEEL_LOG_LEVEL", "WARN"), all);
    }

    private List<String> common(String db) {
        return List.of(
                "--db",
                db,
                "--run-dir",
                dir.resolve("runs").toString(),
                "--base-url",
                emulator.baseUrl().toString(),
                "--poll-interval",
                "20ms");
    }

    @Test
    void run_killedTwentyTimesAtRandomPoints_stillAccountsForEveryItemExactlyOnce() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("keel.db");
        var args = new ArrayList<String>(List.of("run", input.toString(), "--max-items", "15"));
        args.addAll(common(db));
        Path log = dir.resolve("runs.log");
        var random = new Random(20261124);
        int killed = 0;
        for (int launch = 0; launch < 60 && killed < 20; launch++) {
            Process p = keel(log, args.toArray(String[]::new));
            long delay = 500 + random.nextInt(1_000);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                killed++;
            }
        }
        Process last = keel(log, args.toArray(String[]::new));
        assertThat(last.waitFor(120, TimeUnit.SECONDS))
                .as("final run finished; log: %s", log)
                .isTrue();
        assertThat(last.exitValue()).as(Files.readString(log)).isIn(0, 1);
        assertThat(killed).as("kills that landed mid-run").isEqualTo(20);

        accountFor(new Ledger(Database.open(db)));
    }

    @Test
    void workers_twoOnPostgreSqlOneKilledMidRun_finishTheRun() throws Exception {
        workersFinishTheRun(2);
    }

    @Test
    void workers_threeOnPostgreSqlOneKilledMidRun_finishTheRun() throws Exception {
        workersFinishTheRun(3);
    }

    private void workersFinishTheRun(int workers) throws Exception {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            String db = pg.jdbcUrl();
            var ledger = new Ledger(Database.open(db));
            RunInput in = RunInput.of(input);
            var plan = new Planner(
                            PlanConfig.ofDefaults().withMaxItems(20), PriceTable.builtIn(), ledger, Clock.systemUTC())
                    .plan(in, dir.resolve("runs").resolve(in.runId()));
            assertThat(plan.accepted()).isTrue();
            // A lease may not be shorter than one call: a 2 s lease needs a per-call timeout of 2 s at most.
            var args = new ArrayList<String>(
                    List.of("worker", "--lease", "2s", "--per-call-timeout", "2s", "--business-timeout", "3s"));
            args.addAll(common(db));
            Path log = dir.resolve("workers.log");
            var procs = new ArrayList<Process>();
            for (int i = 0; i < workers; i++) {
                procs.add(keel(log, args.toArray(String[]::new)));
            }
            // Kill the first worker once the workers are mid-run: some chunks submitted, most not done.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> ledger.chunks(plan.runId()).stream()
                                    .filter(c -> c.batchId() != null)
                                    .count()
                            >= 3);
            procs.get(0).destroyForcibly().waitFor();
            assertThat(ledger.itemCounts(plan.runId()).get(ItemState.SUCCEEDED))
                    .as("the kill landed before the run finished")
                    .isLessThan(ITEMS);
            for (Process p : procs.subList(1, procs.size())) {
                assertThat(p.waitFor(120, TimeUnit.SECONDS))
                        .as("worker finished; log: %s", log)
                        .isTrue();
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
            }
            accountFor(ledger);
        }
    }

    private void accountFor(Ledger ledger) {
        String runId = ledger.latestRun().orElseThrow().runId();
        var counts = ledger.itemCounts(runId);
        assertThat(counts.get(ItemState.SUCCEEDED) + counts.get(ItemState.FINAL_FAIL))
                .isEqualTo(ITEMS);
        assertThat(counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED))
                .isZero();
        Set<String> ids = new HashSet<>(new RunHistory(ledger)
                .items(runId, null).stream().map(ItemRecord::customId).toList());
        assertThat(ids).hasSize(ITEMS);
        for (int i = 1; i <= ITEMS; i++) {
            assertThat(ids).contains("job-" + i);
        }
        assertThat((long) new RunHistory(ledger).results(runId).size()).isEqualTo(counts.get(ItemState.SUCCEEDED));
        var created = new ArrayList<String>();
        for (var req : emulator.requests("POST", "/v1/batches")) {
            var m = Json.parse(req.body()).path("metadata");
            created.add(m.path("keel_run").asText() + "/" + m.path("keel_chunk").asText());
        }
        assertThat(created).as("no chunk created twice").doesNotHaveDuplicates();
        long submittedChunks =
                ledger.chunks(runId).stream().filter(c -> c.batchId() != null).count();
        assertThat(created).hasSize((int) submittedChunks);
        assertThat(ledger.chunks(runId))
                .allSatisfy(c -> assertThat(c.state().open()).isFalse());
    }
}
