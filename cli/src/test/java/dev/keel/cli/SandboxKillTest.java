package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.ledger.RunUpstream;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety in the default mode (issue 14, point 1): {@code keel batch run FILE} with no key and
 * no {@code --base-url} — the embedded emulator, its files and batches in {@code .keel/sandbox} — runs
 * as a child JVM, is killed with SIGKILL at seeded random points and rerun; the last run finishes,
 * every {@code custom_id} has exactly one terminal state, and the emulator's persisted batches show
 * no chunk created twice in one round. A few kills here; {@code bench/batch-sandbox-kills.sh} sweeps
 * many.
 */
class SandboxKillTest {

    private static final int ITEMS = 300;
    private static final int KILLS = 4;

    @TempDir
    Path dir;

    private Process keel(Path log, String... args) throws IOException {
        var env = new java.util.HashMap<String, String>();
        // the default mode: no key, no base URL, so the embedded emulator
        env.put("OPENAI_API_KEY", null);
        env.put("OPENAI_BASE_URL", null);
        env.put("KEEL_REQUIRE_API_KEY", null);
        // Some batches come back partial (so replays run too), and every call takes 20-60 ms, so the
        // kills land in every phase.
        env.put("KEEL_SANDBOX_FAULTS", "POST /v1/batches=batch:partial@0.3;*=latency:20ms..60ms");
        env.put("KEEL_LOG_LEVEL", "WARN");
        var all = new ArrayList<String>(List.of("batch"));
        all.addAll(List.of(args));
        return ChildKeel.start(dir, log, env, all);
    }

    @Test
    void killedAtRandomPointsInTheDefaultMode_theRerunFinishesAndAccountsForEveryItemOnce() throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= ITEMS; i++) {
            lines.add("{\"custom_id\":\"job-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"Classify item " + i + "\",\"max_output_tokens\":20}}");
        }
        Files.write(dir.resolve("input.jsonl"), lines);
        Path log = dir.resolve("runs.log");
        var random = new Random(20261202);
        int killed = 0;
        for (int launch = 0; launch < 3 * KILLS && killed < KILLS; launch++) {
            Process p = keel(log, "run", "input.jsonl", "--max-items", "15");
            if (!p.waitFor(1_200 + random.nextInt(2_000), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                killed++;
            }
        }
        Process last = keel(log, "run", "input.jsonl", "--max-items", "15");
        assertThat(last.waitFor(120, TimeUnit.SECONDS))
                .as("final run finished; log: %s", log)
                .isTrue();
        String output = Files.readString(log);
        assertThat(last.exitValue()).as(output).isIn(0, 1);
        assertThat(killed).as("kills that landed mid-run").isEqualTo(KILLS);
        assertThat(output).doesNotContain("No batch found").doesNotContain("No such File");

        var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve(".keel/keel.db")));
        String runId = ledger.latestRun().orElseThrow().runId();
        assertThat(RunUpstream.sandbox(ledger, runId)).isTrue();
        var counts = ledger.itemCounts(runId);
        assertThat(counts.get(ItemState.SUCCEEDED) + counts.get(ItemState.FINAL_FAIL))
                .isEqualTo(ITEMS);
        assertThat(counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED))
                .isZero();
        Set<String> ids = new HashSet<>(new RunHistory(ledger)
                .items(runId, null).stream().map(ItemRecord::customId).toList());
        assertThat(ids).hasSize(ITEMS);
        assertThat((long) new RunHistory(ledger).results(runId).size()).isEqualTo(counts.get(ItemState.SUCCEEDED));
        assertThat(ledger.chunks(runId))
                .allSatisfy(c -> assertThat(c.state().open()).isFalse());

        List<String> created = persistedBatches(dir.resolve(".keel/sandbox"), runId);
        assertThat(created).as("no chunk created twice in one round").doesNotHaveDuplicates();
        long withBatch =
                ledger.chunks(runId).stream().filter(c -> c.batchId() != null).count();
        assertThat(created).hasSize((int) withBatch);
    }

    /** {@code run/chunk/round/redo} of every batch the sandbox kept, listed through its API. */
    static List<String> persistedBatches(Path data, String runId) throws Exception {
        var keys = new ArrayList<String>();
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().dataDir(data).recordCapacity(0).build());
                var http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            String after = null;
            do {
                URI uri = URI.create(
                        emulator.baseUrl() + "/batches?limit=100" + (after == null ? "" : "&after=" + after));
                var reply = http.send(
                        HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer sk-test-kills")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode page = Json.parse(reply.body());
                for (JsonNode b : page.path("data")) {
                    JsonNode m = b.path("metadata");
                    if (runId.equals(m.path("keel_run").asText())) {
                        keys.add(runId + "/" + m.path("keel_chunk").asText() + "/"
                                + m.path("keel_round").asText() + "/"
                                + m.path("keel_redo").asText("0"));
                    }
                }
                after = page.path("has_more").asBoolean() ? page.path("last_id").asText() : null;
            } while (after != null);
        }
        return keys;
    }
}
