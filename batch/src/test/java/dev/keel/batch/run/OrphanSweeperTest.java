package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.CrashedLedger;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.OrphanRecord;
import dev.keel.batch.ledger.Orphans;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.core.CallOptions;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orphan sweep against the emulator over real sockets and a real SQLite ledger: batches planted
 * upstream with keel's metadata are cancelled (and counted) or adopted, and reported.
 */
class OrphanSweeperTest {

    private static final CallOptions BATCH = CallOptions.defaults().withTrafficClass(dev.keel.core.TrafficClass.BATCH);

    @TempDir
    Path dir;

    private BatchFixture f;
    private PlanResult plan;
    private OrphanSweeper sweeper;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
        plan = f.plan(f.input("in.jsonl", 6), PlanConfig.ofDefaults().withMaxItems(3));
        sweeper = new OrphanSweeper(f.ledger, f.client, "host-a:1:sweeper", Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Creates a batch directly, as keel would, with keel's metadata for {@code runId} and {@code chunkNo}. */
    private String plant(String runId, int chunkNo, String jsonl) {
        String file = f.client
                .files()
                .upload("planted.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "batch", BATCH)
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
        return f.client.batches().create(body, BATCH).json().path("id").asText();
    }

    private String chunkJsonl(ChunkRecord ch) {
        var b = new StringBuilder();
        for (String line : f.ledger.chunkLines(ch.runId(), ch.chunkNo())) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private JsonNode upstream(String batchId) {
        return f.client.batches().retrieve(batchId, BATCH).json();
    }

    @Test
    void sweep_aBatchOfAChunkThatNeverStartedCreating_isCancelledCountedAndReported() {
        f.close();
        f = new BatchFixture(dir, "jdbc:sqlite:" + dir.resolve("slow.db"), 1); // batches stay in progress
        plan = f.plan(f.input("in.jsonl", 6), PlanConfig.ofDefaults().withMaxItems(3));
        sweeper = new OrphanSweeper(f.ledger, f.client, "host-a:1:sweeper", Clock.systemUTC());
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        String orphan = plant(plan.runId(), ch.chunkNo(), chunkJsonl(ch));
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        List<OrphanRecord> found = sweeper.sweep(plan.runId());

        assertThat(found).singleElement().satisfies(o -> {
            assertThat(o.batchId()).isEqualTo(orphan);
            assertThat(o.action()).isEqualTo(OrphanRecord.CANCELLED);
            assertThat(o.chunkNo()).isEqualTo(ch.chunkNo());
            assertThat(o.costUsd()).isEqualTo(ch.estCostUsd());
        });
        assertThat(upstream(orphan).path("status").asText()).isIn("cancelling", "cancelled");
        assertThat(ch.estCostUsd()).isPositive();
        assertThat(f.ledger.spent(today)).as("the daily cap counts it").isEqualTo(ch.estCostUsd());
        assertThat(f.ledger.committed(plan.runId()))
                .as("the run's ceiling counts it")
                .isEqualTo(ch.estCostUsd());

        assertThat(sweeper.sweep(plan.runId())).as("found once").isEmpty();
        assertThat(f.ledger.spent(today)).as("counted once").isEqualTo(ch.estCostUsd());

        RunReport r = new Reports(f.ledger).report(plan.runId(), null, 0.03);
        assertThat(r.toJson().path("orphans").get(0).path("batch_id").asText()).isEqualTo(orphan);
        assertThat(r.toJson().path("orphans").get(0).path("action").asText()).isEqualTo("cancelled");
        assertThat(r.toJson().path("cost_usd").path("orphans").asDouble()).isEqualTo(ch.estCostUsd());
        assertThat(r.effectiveCostUsd()).isEqualTo(ch.estCostUsd());
        assertThat(r.toText())
                .contains("orphans   1 batches upstream owned by no chunk: 1 cancelled, 0 already ended, 0 adopted ("
                        + orphan);
    }

    @Test
    void sweep_aBatchOfAChunkLeftInCreating_isAdoptedAndTheRunFinishesWithoutASecondCreate() throws Exception {
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        // A worker reserved and asked for the batch, then died before it wrote the answer down.
        CrashedLedger.chunk(
                f.ledger, ch.runId(), ch.chunkNo(), "state", "CREATING", "intent_at", System.currentTimeMillis());
        String orphan = plant(plan.runId(), ch.chunkNo(), chunkJsonl(ch));
        int createsBefore = f.creates();

        assertThat(sweeper.sweep(plan.runId()))
                .singleElement()
                .extracting(OrphanRecord::action)
                .isEqualTo(OrphanRecord.ADOPTED);
        ChunkRecord adopted = f.ledger.chunk(ch.runId(), ch.chunkNo()).orElseThrow();
        assertThat(adopted.state()).isEqualTo(ChunkState.SUBMITTED);
        assertThat(adopted.batchId()).isEqualTo(orphan);

        var outcome = f.runner(BatchFixture.fast()).drive(plan.runId());
        assertThat(outcome).isInstanceOf(RunOutcome.Finished.class);
        assertThat(f.ledger.itemCounts(plan.runId()).get(ItemState.SUCCEEDED)).isEqualTo(6);
        assertThat(f.creates() - createsBefore)
                .as("only the other chunk was created")
                .isEqualTo(1);
        assertThat(new Orphans(f.ledger).of(plan.runId()))
                .singleElement()
                .extracting(OrphanRecord::costUsd)
                .as("an adopted batch is counted as its chunk's")
                .isEqualTo(0.0);
    }

    @Test
    void sweep_aBatchWhoseChunkALiveWorkerIsCreating_isLeftToThatWorker() {
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        long now = System.currentTimeMillis();
        CrashedLedger.chunk(
                f.ledger,
                ch.runId(),
                ch.chunkNo(),
                "state",
                "CREATING",
                "lease_owner",
                "host-b:2:live",
                "lease_until",
                now + 60_000);
        String batch = plant(plan.runId(), ch.chunkNo(), chunkJsonl(ch));

        assertThat(sweeper.sweep(plan.runId())).isEmpty();
        assertThat(upstream(batch).path("status").asText()).isNotIn("cancelling", "cancelled");
        assertThat(f.ledger.chunk(ch.runId(), ch.chunkNo()).orElseThrow().batchId())
                .isNull();
    }

    @Test
    void sweep_batchesOfOtherRunsAndOwnedBatches_areLeftAlone() throws Exception {
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        String other = plant("run-someone-else", ch.chunkNo(), chunkJsonl(ch));
        f.runner(BatchFixture.fast()).drive(plan.runId());

        assertThat(sweeper.sweep(plan.runId())).isEmpty();
        assertThat(upstream(other).path("status").asText()).isNotIn("cancelling", "cancelled");
    }

    @Test
    void sweep_aBatchThatAlreadyEnded_isRecordedAsEndedAndCounted() throws Exception {
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        String orphan = plant(plan.runId(), ch.chunkNo(), chunkJsonl(ch));
        org.awaitility.Awaitility.await()
                .until(() -> upstream(orphan).path("status").asText().equals("completed"));

        assertThat(sweeper.sweep(plan.runId())).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(OrphanRecord.ENDED);
            assertThat(o.status()).isEqualTo("completed");
            assertThat(o.costUsd()).isEqualTo(ch.estCostUsd());
        });
        assertThat(f.ledger.committed(plan.runId())).isEqualTo(ch.estCostUsd());
    }

    @Test
    void sweep_readsEveryPageOfTheBatchList() {
        ChunkRecord ch = f.ledger.chunks(plan.runId()).get(0);
        String orphan = plant(plan.runId(), ch.chunkNo(), chunkJsonl(ch));
        for (int i = 0; i < 120; i++) {
            plant("run-noise", 0, chunkJsonl(ch)); // newer than the orphan: it sits on the second page
        }
        assertThat(sweeper.sweep(plan.runId()))
                .extracting(OrphanRecord::batchId)
                .containsExactly(orphan);
    }
}
