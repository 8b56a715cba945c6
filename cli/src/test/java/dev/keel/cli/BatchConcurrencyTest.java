package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.Orphans;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.testing.TestPostgres;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlapping runs for real: {@code keel batch run} and {@code keel batch worker} as child JVMs
 * against {@code keel emulator} started as its own process, on SQLite and PostgreSQL. Afterwards the
 * emulator's batch list is the judge: one batch per chunk, and every custom_id ends in exactly one
 * terminal state.
 */
class BatchConcurrencyTest {

    private static final int ITEMS = 200;

    @TempDir
    Path dir;

    private StandaloneEmulator emulator;

    @AfterEach
    void stop() throws InterruptedException {
        if (emulator != null) {
            emulator.close();
        }
    }

    private Path input(int items) throws IOException {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= items; i++) {
            lines.add("{\"custom_id\":\"job-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"Classify item " + i + "\",\"max_output_tokens\":20}}");
        }
        Path p = dir.resolve("input.jsonl");
        Files.write(p, lines);
        return p;
    }

    private Process keel(Path log, List<String> args) throws IOException {
        Files.deleteIfExists(log);
        var all = new ArrayList<String>(List.of("batch"));
        all.addAll(args);
        return ChildKeel.start(
                dir, log, Map.of("OPENAI_API_KEY", "sk-test-concurrency", "KEEL_LOG_LEVEL", "WARN"), all);
    }

    private List<String> run(Path input, String db, String... more) {
        var args = new ArrayList<String>(List.of(
                "run",
                input.toString(),
                "--max-items",
                "20",
                "--db",
                db,
                "--run-dir",
                dir.resolve("runs").toString(),
                "--base-url",
                emulator.baseUrl.toString(),
                "--poll-interval",
                "50ms"));
        args.addAll(List.of(more));
        return args;
    }

    private static int exit(Process p, Path log) throws Exception {
        assertThat(p.waitFor(180, TimeUnit.SECONDS))
                .as("finished; log: %s", log)
                .isTrue();
        return p.exitValue();
    }

    @Test
    void twoRunsOfOneFileAtOnce_onSqlite_oneDrivesTheOtherRefusesAndNothingIsPaidTwice() throws Exception {
        twoRunsAtOnce("jdbc:sqlite:" + dir.resolve("keel.db"));
    }

    @Test
    void twoRunsOfOneFileAtOnce_onPostgres_oneDrivesTheOtherRefusesAndNothingIsPaidTwice() throws Exception {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            twoRunsAtOnce(pg.jdbcUrl());
        }
    }

    private void twoRunsAtOnce(String db) throws Exception {
        // Each create takes 800 ms, so the run of 10 chunks outlasts the start of the second JVM.
        emulator = StandaloneEmulator.start(
                dir.resolve("emulator.log"), "--batch-speed", "100", "--fault", "POST /v1/batches=latency:800ms");
        Path input = input(ITEMS);
        String runId = RunInput.of(input).runId();
        Path logA = dir.resolve("a.log");
        Path logB = dir.resolve("b.log");
        Process a = keel(logA, run(input, db));
        Process b = keel(logB, run(input, db));
        int exitA = exit(a, logA);
        int exitB = exit(b, logB);
        String outA = Files.readString(logA);
        String outB = Files.readString(logB);

        assertThat(List.of(exitA, exitB)).as("a: %s%nb: %s", outA, outB).containsExactlyInAnyOrder(0, 5);
        Process winner = exitA == 0 ? a : b;
        String refused = exitA == 5 ? outA : outB;
        assertThat(refused)
                .contains("run " + runId + " is being driven by 'keel batch run' (worker ")
                .contains("pid " + winner.pid() + ") since ")
                .contains("this process submitted nothing")
                .contains("keel batch status --run " + runId);

        Ledger ledger = new Ledger(Database.open(db));
        accountFor(ledger, runId, ITEMS);
        assertThat(ledger.chunks(runId)).hasSize(ITEMS / 20);

        Path logC = dir.resolve("c.log");
        assertThat(exit(keel(logC, run(input, db)), logC))
                .as("a third run after both resumes the finished run: %s", logC)
                .isZero();
        accountFor(ledger, runId, ITEMS);
    }

    @Test
    void aRunWhoseDriverWasKilled_isTakenOverAtOnceByTheNextRunOnThisHost() throws Exception {
        emulator = StandaloneEmulator.start(
                dir.resolve("emulator.log"), "--batch-speed", "100", "--fault", "POST /v1/batches=latency:800ms");
        Path input = input(ITEMS);
        String runId = RunInput.of(input).runId();
        String db = "jdbc:sqlite:" + dir.resolve("keel.db");
        Path logA = dir.resolve("a.log");
        // A 10-minute lease: only the dead pid, not a lapsed lease, can explain a take-over within the test.
        Process a = keel(logA, run(input, db, "--lease", "10m"));
        Ledger ledger = new Ledger(Database.open(db));
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> a.isAlive()
                        && new RunClaims(ledger, pid -> true).holder(runId).isPresent()
                        && ledger.chunks(runId).stream().anyMatch(c -> c.batchId() != null));
        a.destroyForcibly().waitFor();
        assertThat(ledger.itemCounts(runId).get(ItemState.SUCCEEDED)).isLessThan(ITEMS);

        Path logB = dir.resolve("b.log");
        assertThat(exit(keel(logB, run(input, db, "--lease", "10m")), logB))
                .as(Files.readString(logB))
                .isZero();
        assertThat(Files.readString(logB))
                .contains("taken over from 'keel batch run'", "its process is gone from this host");
        accountFor(ledger, runId, ITEMS);
    }

    @Test
    void twoPostgresWorkers_withAChunkStepSlowerThanTheLease_createNoBatchTwice() throws Exception {
        // Claimed at t, a chunk's upload ends at t+1.5 s and its create at t+3.5 s: the create is still in
        // flight when a 3 s lease taken at t would lapse. Only renewal keeps the other worker off it.
        emulator = StandaloneEmulator.start(
                dir.resolve("emulator.log"),
                "--batch-speed",
                "100",
                "--fault",
                "POST /v1/files=latency:1500ms",
                "--fault",
                "POST /v1/batches=latency:2s");
        Path input = input(120);
        try (TestPostgres pg = TestPostgres.createSchema()) {
            String db = pg.jdbcUrl();
            var ledger = new Ledger(Database.open(db));
            String runId = RunInput.of(input).runId();
            var plan = new Planner(
                            PlanConfig.ofDefaults().withMaxItems(20), PriceTable.builtIn(), ledger, Clock.systemUTC())
                    .plan(RunInput.of(input), dir.resolve("runs").resolve(runId));
            assertThat(plan.accepted()).isTrue();
            var args = List.of(
                    "worker",
                    "--lease",
                    "3s",
                    "--per-call-timeout",
                    "3s",
                    "--business-timeout",
                    "4s",
                    "--db",
                    db,
                    "--base-url",
                    emulator.baseUrl.toString(),
                    "--poll-interval",
                    "50ms");
            Path log1 = dir.resolve("w1.log");
            Path log2 = dir.resolve("w2.log");
            Process w1 = keel(log1, args);
            Process w2 = keel(log2, args);
            assertThat(exit(w1, log1)).as(Files.readString(log1)).isZero();
            assertThat(exit(w2, log2)).as(Files.readString(log2)).isZero();
            accountFor(ledger, runId, 120);
            assertThat(ledger.chunks(runId)).hasSize(6);
            assertThat(new Orphans(ledger).of(runId)).isEmpty();
        }
    }

    @Test
    void workerLease_shorterThanThePerCallTimeout_isRefusedAtStartNamingLease() throws Exception {
        emulator = StandaloneEmulator.start(dir.resolve("emulator.log"));
        Path log = dir.resolve("w.log");
        Process w = keel(
                log,
                List.of(
                        "worker",
                        "--lease",
                        "10s",
                        "--db",
                        "jdbc:sqlite:" + dir.resolve("keel.db"),
                        "--base-url",
                        emulator.baseUrl.toString()));
        assertThat(exit(w, log)).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains("flag --lease: batch.lease: must be at least timeouts.per-call (25s, default), was 10s");
    }

    @Test
    void anOrphanPlantedUpstream_isFoundCancelledCountedAndReported() throws Exception {
        // At speed 10 the planted batch of 3000 requests runs for about a minute: it is still running when found.
        emulator = StandaloneEmulator.start(dir.resolve("emulator.log"), "--batch-speed", "10");
        Path input = input(40);
        String runId = RunInput.of(input).runId();
        String orphan = plant(runId, 1, 3000);
        String db = "jdbc:sqlite:" + dir.resolve("keel.db");

        Path log = dir.resolve("run.log");
        int code = exit(keel(log, run(input, db, "--format", "json")), log);
        String out = Files.readString(log);
        assertThat(code).as(out).isZero();

        JsonNode status = emulator.client
                .batches()
                .retrieve(orphan, StandaloneEmulator.BATCH)
                .json();
        assertThat(status.path("status").asText()).isIn("cancelling", "cancelled");
        String reportLine =
                out.lines().filter(l -> l.startsWith("{\"run_id\"")).findFirst().orElseThrow();
        JsonNode report = Json.parse(reportLine);
        assertThat(report.path("orphans")).hasSize(1);
        assertThat(report.path("orphans").get(0).path("batch_id").asText()).isEqualTo(orphan);
        assertThat(report.path("orphans").get(0).path("action").asText()).isEqualTo("cancelled");
        assertThat(report.path("orphans").get(0).path("chunk").asInt()).isEqualTo(1);
        Ledger ledger = new Ledger(Database.open(db));
        double estimate = ledger.chunk(runId, 1).orElseThrow().estCostUsd();
        assertThat(report.path("cost_usd").path("orphans").asDouble()).isEqualTo(estimate);
        assertThat(ledger.spent(
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString()))
                .as("the day's spend counts the orphan")
                .isGreaterThanOrEqualTo(estimate);

        Path text = dir.resolve("report.log");
        keel(text, List.of("report", "--db", db)).waitFor(60, TimeUnit.SECONDS);
        assertThat(Files.readString(text))
                .contains("orphans   1 batches upstream owned by no chunk: 1 cancelled, 0 already ended, 0 adopted ("
                        + orphan + ")");
        // the orphan is not counted as one of the run's batches
        assertThat(ledger.chunks(runId)).noneMatch(c -> orphan.equals(c.batchId()));
    }

    /** Creates a batch directly on the emulator with keel's metadata for {@code runId} and {@code chunkNo}. */
    private String plant(String runId, int chunkNo, int lines) {
        var b = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            b.append("{\"custom_id\":\"orphan-")
                    .append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4.1-mini\","
                            + "\"input\":\"x\",\"max_output_tokens\":20}}\n");
        }
        String file = emulator.client
                .files()
                .upload(
                        "planted.jsonl",
                        b.toString().getBytes(StandardCharsets.UTF_8),
                        "batch",
                        StandaloneEmulator.BATCH)
                .json()
                .path("id")
                .asText();
        var body = Json.object()
                .put("input_file_id", file)
                .put("endpoint", "/v1/responses")
                .put("completion_window", "24h");
        body.putObject("metadata")
                .put("keel_run", runId)
                .put("keel_chunk", Integer.toString(chunkNo))
                .put("keel_round", "0");
        return emulator.client
                .batches()
                .create(body, StandaloneEmulator.BATCH)
                .json()
                .path("id")
                .asText();
    }

    /** Every custom_id in one terminal state; upstream, exactly one batch per chunk that has one. */
    private void accountFor(Ledger ledger, String runId, int items) {
        var counts = ledger.itemCounts(runId);
        assertThat(counts.get(ItemState.SUCCEEDED) + counts.get(ItemState.FINAL_FAIL))
                .isEqualTo(items);
        assertThat(counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED))
                .isZero();
        Set<String> ids = new HashSet<>(new RunHistory(ledger)
                .items(runId, null).stream().map(ItemRecord::customId).toList());
        assertThat(ids).hasSize(items);
        List<JsonNode> upstream = emulator.batchesOf(runId);
        List<String> upstreamChunks = upstream.stream()
                .map(b -> b.path("metadata").path("keel_chunk").asText())
                .toList();
        assertThat(upstreamChunks).as("no chunk created twice upstream").doesNotHaveDuplicates();
        Set<String> ledgerBatches = new HashSet<>(ledger.chunks(runId).stream()
                .map(ChunkRecord::batchId)
                .filter(java.util.Objects::nonNull)
                .toList());
        assertThat(upstream.stream().map(b -> b.path("id").asText()).toList())
                .as("batches upstream = chunks")
                .containsExactlyInAnyOrderElementsOf(ledgerBatches);
        assertThat(ledger.chunks(runId))
                .allSatisfy(c -> assertThat(c.state().open()).isFalse());
    }
}
