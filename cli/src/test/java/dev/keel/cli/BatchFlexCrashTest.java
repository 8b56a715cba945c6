package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the flex route, for real: {@code keel batch run --route flex} runs as a child JVM
 * against an emulator in this JVM and is killed with SIGKILL three times mid-run, then rerun to the
 * end. Afterwards every {@code custom_id} has exactly one result (0 lost), no item whose answer was
 * in the ledger at a kill was ever sent again (0 duplicate upstream calls per answered custom_id,
 * counted from the emulator's request log), and the only items sent twice are those whose call was
 * in flight at a kill — at most {@code --flex-concurrency} per kill, because OpenAI's API has no
 * idempotency for a synchronous call whose answer was lost with the process.
 */
class BatchFlexCrashTest {

    private static final int ITEMS = 400;
    private static final int CONCURRENCY = 8;

    @TempDir
    Path dir;

    private Emulator emulator;
    private Path input;

    @BeforeEach
    void start() throws IOException {
        emulator = Emulator.start(EmulatorConfig.builder()
                .flexLatency(Duration.ofMillis(30))
                .recordCapacity(1_000_000)
                .build());
        // every call takes 20-60 ms more, so a run lasts long enough for kills to land mid-run
        emulator.replaceFaults(
                new FaultPlan(11, List.of(FaultRule.withProbability("*", 1.0, FaultSpec.parse("latency:20ms..60ms")))));
        var lines = new ArrayList<String>();
        for (int i = 1; i <= ITEMS; i++) {
            lines.add("{\"custom_id\":\"job-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-5-mini\",\"input\":\"Classify item " + i + "\",\"max_output_tokens\":20}}");
        }
        input = dir.resolve("input.jsonl");
        Files.write(input, lines);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Process keel(Path log, String db) throws IOException {
        var args = List.of(
                "batch",
                "run",
                input.toString(),
                "--route",
                "flex",
                "--flex-concurrency",
                String.valueOf(CONCURRENCY),
                "--max-items",
                "100",
                "--db",
                db,
                "--run-dir",
                dir.resolve("runs").toString(),
                "--base-url",
                emulator.baseUrl().toString(),
                "--poll-interval",
                "20ms");
        return ChildKeel.start(
                dir, log, Map.of("OPENAI_API_KEY", "sk-test-flex-crash", "KEEL_LOG_LEVEL", "WARN"), args);
    }

    private static String key(RecordedRequest r) {
        return r.header("Idempotency-Key").orElseThrow();
    }

    private List<RecordedRequest> flexCalls() {
        return emulator.requests("POST", "/v1/responses").stream()
                .filter(r ->
                        "flex".equals(Json.parse(r.body()).path("service_tier").asText(null)))
                .toList();
    }

    private static Set<String> answered(Ledger ledger) {
        return ledger.latestRun()
                .map(run -> new RunHistory(ledger)
                        .results(run.runId()).stream()
                                .map(ResultRecord::customId)
                                .collect(Collectors.toSet()))
                .orElse(Set.of());
    }

    @Test
    void flexRun_killedThreeTimesMidRun_losesNothingAndNeverResendsAnAnsweredItem() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("keel.db");
        Path log = dir.resolve("runs.log");
        var ledger = new Ledger(Database.open(db));
        var answeredAtKill = new ArrayList<Set<String>>();
        var callsAtKill = new ArrayList<Integer>();
        int[] killAfter = {60, 170, 280};
        for (int target : killAfter) {
            Process p = keel(log, db);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> answered(ledger).size() >= target || !p.isAlive());
            assertThat(p.isAlive())
                    .as("the run was still going at %d answers; log: %s", target, log)
                    .isTrue();
            p.destroyForcibly().waitFor(); // SIGKILL
            // let the emulator finish reading what the dead process had already sent
            Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            Set<String> done = answered(ledger);
            assertThat(done.size())
                    .as("the kill landed before the run finished")
                    .isLessThan(ITEMS);
            answeredAtKill.add(done);
            callsAtKill.add(flexCalls().size());
        }
        Process last = keel(log, db);
        assertThat(last.waitFor(180, TimeUnit.SECONDS))
                .as("final run finished; log: %s", log)
                .isTrue();
        assertThat(last.exitValue()).as(Files.readString(log)).isZero();

        // 0 lost: every custom_id has exactly one result, nothing is pending
        String runId = ledger.latestRun().orElseThrow().runId();
        var counts = ledger.itemCounts(runId);
        assertThat(counts.get(ItemState.SUCCEEDED)).isEqualTo(ITEMS);
        assertThat(counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED) + counts.get(ItemState.FINAL_FAIL))
                .isZero();
        List<ResultRecord> results = new RunHistory(ledger).results(runId);
        assertThat(results).hasSize(ITEMS);
        assertThat(results).allSatisfy(r -> assertThat(r.tier()).isEqualTo("FLEX"));

        // upstream calls per custom_id, from the emulator's log
        List<RecordedRequest> calls = flexCalls();
        Map<String, Long> perId =
                calls.stream().collect(Collectors.groupingBy(BatchFlexCrashTest::key, Collectors.counting()));
        assertThat(perId).hasSize(ITEMS);
        Set<String> resent = new HashSet<>();
        perId.forEach((k, n) -> {
            if (n > 1) {
                resent.add(k.substring(k.lastIndexOf(':') + 1));
            }
        });
        // 0 duplicate calls for an item whose answer the ledger held at a kill: after kill k, no call
        // for an item answered by then
        for (int k = 0; k < answeredAtKill.size(); k++) {
            Set<String> done = answeredAtKill.get(k);
            var after = calls.subList(callsAtKill.get(k), calls.size()).stream()
                    .map(BatchFlexCrashTest::key)
                    .map(s -> s.substring(s.lastIndexOf(':') + 1))
                    .filter(done::contains)
                    .toList();
            assertThat(after)
                    .as("items answered before kill %d sent again", k + 1)
                    .isEmpty();
        }
        // what was sent twice was in flight at a kill: sent before it, not answered by it
        Set<String> inFlight = new HashSet<>();
        for (int k = 0; k < answeredAtKill.size(); k++) {
            Set<String> done = answeredAtKill.get(k);
            var before = new HashMap<String, Long>();
            for (var r : calls.subList(0, callsAtKill.get(k))) {
                String id = key(r).substring(key(r).lastIndexOf(':') + 1);
                before.merge(id, 1L, Long::sum);
            }
            var open = before.keySet().stream().filter(id -> !done.contains(id)).collect(Collectors.toSet());
            assertThat(open.size()).as("calls in flight at kill %d", k + 1).isLessThanOrEqualTo(CONCURRENCY);
            inFlight.addAll(open);
        }
        assertThat(inFlight).containsAll(resent);
        assertThat(perId.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                .isLessThanOrEqualTo(1 + killAfter.length);
        System.out.printf(
                "flex crash: %d items, %d kills, %d upstream calls, %d items re-sent (in flight at a kill)%n",
                ITEMS, killAfter.length, calls.size(), resent.size());
    }
}
