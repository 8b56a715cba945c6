package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Orphans;
import dev.keel.batch.ledger.Reservation;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.api.BatchListParams;
import dev.keel.core.http.HttpCall;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.testing.TestPostgres;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers on one PostgreSQL ledger and one emulator, the first slower than its lease in the
 * middle of its batch create: the second takes the chunk over and must not create a second batch
 * upstream while the first one's create can still land. Deterministic: the first worker's create is
 * held at a latch just before it is sent, and lease time is a fake clock both runners share.
 */
class LeaseTakeoverTest {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final CallOptions BATCH = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);

    @TempDir
    Path dir;

    private final FakeClock time = new FakeClock(Instant.parse("2026-12-03T06:00:00Z"));
    private final Clock clock = time.withZone(ZoneOffset.UTC);
    /** The lease keepers' renewals are not running: a stalled worker, as far as the ledger can tell. */
    private final Sleeper advancing = d -> time.advance(d);

    private TestPostgres pg;
    private BatchFixture f;
    private KeelClient clientA;
    private final CountDownLatch createReached = new CountDownLatch(1);
    private final CountDownLatch createGo = new CountDownLatch(1);

    @BeforeEach
    void start() {
        pg = TestPostgres.createSchema();
        f = new BatchFixture(dir, pg.jdbcUrl());
        // Worker A's client holds its batch create just before sending it, until the test lets it go.
        var gate = new EventListener() {
            @Override
            public HttpCall attemptRequest(CallContext call, HttpCall request) {
                if (request.method().equals("POST") && request.path().endsWith("/batches")) {
                    createReached.countDown();
                    try {
                        assertThat(createGo.await(60, TimeUnit.SECONDS))
                                .as("the test lets the create go")
                                .isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return request;
            }
        };
        clientA = KeelClient.builder(KeelClientConfig.builder("sk-test-batch", f.emulator.baseUrl())
                        .trafficClass(TrafficClass.BATCH)
                        .build())
                .listener(gate)
                .build();
    }

    @AfterEach
    void stop() {
        createGo.countDown();
        clientA.close();
        f.close();
        pg.close();
    }

    private BatchRunner runner(String worker, KeelClient client) {
        return new BatchRunner(
                f.ledger,
                client,
                f.prices,
                ReplayPolicy.ofDefaults(),
                BatchFixture.fast().withWorker(worker, LEASE),
                clock,
                advancing,
                ProgressListener.NONE);
    }

    private ChunkRecord chunk(PlanResult p) {
        return f.ledger.chunk(p.runId(), 1).orElseThrow();
    }

    private List<JsonNode> upstreamBatchesOf(String runId) {
        var out = new java.util.ArrayList<JsonNode>();
        for (JsonNode b : f.client.batches().listAll(BatchListParams.all(), BATCH)) {
            if (runId.equals(b.path("metadata").path("keel_run").asText())) {
                out.add(b);
            }
        }
        return out;
    }

    @Test
    void aCreateStillInFlightWhenTheChunkIsTakenOver_landsOnceAndTheNewHolderRecordsThatBatch() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 5), PlanConfig.ofDefaults().withMaxItems(10));
        BatchRunner a = runner("worker-a", clientA);
        BatchRunner b = runner("worker-b", f.client);

        var aStep = new AtomicReference<Throwable>();
        Thread aThread = Thread.ofPlatform().start(() -> {
            try {
                a.step(p.runId());
            } catch (Throwable t) {
                aStep.set(t);
            }
        });
        assertThat(createReached.await(60, TimeUnit.SECONDS)).isTrue();
        ChunkRecord inFlight = chunk(p);
        assertThat(inFlight.state()).isEqualTo(ChunkState.CREATING);
        assertThat(inFlight.createOwner()).isEqualTo("worker-a");
        long createUntil = time.millis()
                + f.client.config().businessTimeout().toMillis()
                + f.client.config().perCallTimeout().toMillis();
        assertThat(inFlight.createUntil()).isEqualTo(createUntil);

        // A stalls past its lease; B takes the chunk over while A's create can still land.
        time.advance(LEASE.plusSeconds(1));
        assertThat(b.step(p.runId())).as("B claimed the chunk").isTrue();
        ChunkRecord waiting = chunk(p);
        assertThat(waiting.state()).isEqualTo(ChunkState.CREATING);
        assertThat(waiting.leaseGen()).isGreaterThan(inFlight.leaseGen());
        assertThat(waiting.nextPollAt())
                .as("B looks again once A's create can no longer land")
                .isEqualTo(createUntil);
        assertThat(f.creates()).as("B created nothing").isZero();
        assertThat(b.step(p.runId())).as("not due before A's deadline").isFalse();

        // A's create lands now; its submit move is fenced off (the chunk was claimed again since).
        createGo.countDown();
        aThread.join(60_000);
        assertThat(aStep.get()).isNull();
        assertThat(f.creates()).isEqualTo(1);
        List<JsonNode> upstream = upstreamBatchesOf(p.runId());
        assertThat(upstream).hasSize(1);
        assertThat(chunk(p).state()).as("A's write was refused").isEqualTo(ChunkState.CREATING);
        assertThat(chunk(p).batchId()).isNull();

        // At A's deadline B reconciles: it finds A's batch by its metadata and records it.
        time.advance(Duration.ofMillis(createUntil - time.millis()));
        assertThat(b.step(p.runId())).isTrue();
        assertThat(chunk(p).state()).isEqualTo(ChunkState.SUBMITTED);
        assertThat(chunk(p).batchId()).isEqualTo(upstream.get(0).path("id").asText());
        assertThat(chunk(p).createUntil()).isNull();

        assertThat(b.drive(p.runId())).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).as("one batch created upstream, ever").isEqualTo(1);
        assertThat(upstreamBatchesOf(p.runId())).hasSize(1);
        assertThat(f.ledger.itemCounts(p.runId()).get(ItemState.SUCCEEDED)).isEqualTo(5);
        assertThat(new Orphans(f.ledger).of(p.runId())).isEmpty();
    }

    @Test
    void aCreateThatGotNoAnswer_isNotMadeAgainByTheSameWorkerBeforeItCanNoLongerLand() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 5), PlanConfig.ofDefaults().withMaxItems(10));
        f.script("POST /v1/batches", "reset");
        BatchRunner b = runner("worker-b", f.client);
        long createUntil = time.millis()
                + f.client.config().businessTimeout().toMillis()
                + f.client.config().perCallTimeout().toMillis();

        assertThat(b.step(p.runId())).isTrue(); // upload, then a create whose connection is reset: no answer
        assertThat(f.creates()).isEqualTo(1);
        assertThat(chunk(p).state()).isEqualTo(ChunkState.CREATING);
        assertThat(chunk(p).createUntil())
                .as("an unanswered create may still land")
                .isEqualTo(createUntil);

        time.advance(Duration.ofSeconds(1));
        assertThat(b.step(p.runId())).as("the retry after the poll interval").isTrue();
        assertThat(f.creates()).as("not sent again while the first may land").isEqualTo(1);
        assertThat(chunk(p).nextPollAt()).isEqualTo(createUntil);

        time.advance(Duration.ofMillis(createUntil - time.millis()));
        assertThat(b.drive(p.runId())).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(2);
        assertThat(upstreamBatchesOf(p.runId())).hasSize(1);
    }

    @Test
    void anAnsweredCreateFailure_isRetriedAtTheNextPoll_withoutWaiting() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 5), PlanConfig.ofDefaults().withMaxItems(10));
        f.script("POST /v1/batches", "status:503");
        BatchRunner b = runner("worker-b", f.client);

        assertThat(b.step(p.runId())).isTrue();
        assertThat(chunk(p).state()).isEqualTo(ChunkState.CREATING);
        assertThat(chunk(p).createUntil()).as("a 503 made nothing").isNull();
        time.advance(Duration.ofSeconds(1));
        assertThat(b.step(p.runId())).isTrue();
        assertThat(f.creates()).isEqualTo(2);
        assertThat(chunk(p).state()).isEqualTo(ChunkState.SUBMITTED);
    }

    @Test
    void aCreateThatNeverLanded_isMadeByTheNewHolderOnlyAfterTheFirstCreatesDeadline() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 5), PlanConfig.ofDefaults().withMaxItems(10));
        ChunkRecord planned = chunk(p);
        // Worker A: claimed, uploaded, create begun — and then it stalled before its create was sent.
        long gen = f.ledger
                .claim(p.runId(), "worker-a", time.millis(), LEASE.toMillis())
                .orElseThrow()
                .leaseGen();
        f.ledger.beginUpload(p.runId(), 1, "worker-a", time.millis());
        byte[] content = (String.join("\n", f.ledger.chunkLines(p.runId(), 1)) + "\n").getBytes(StandardCharsets.UTF_8);
        String fileId = f.client
                .files()
                .upload(planned.fileName(), content, "batch", BATCH)
                .json()
                .path("id")
                .asText();
        f.ledger.uploaded(p.runId(), 1, "worker-a", fileId);
        long createUntil = time.millis() + 30_000;
        assertThat(f.ledger.beginCreate(
                        p.runId(),
                        1,
                        "worker-a",
                        gen,
                        "2026-12-03",
                        planned.estCostUsd(),
                        null,
                        null,
                        time.millis(),
                        createUntil))
                .isEqualTo(new Reservation.Reserved());

        BatchRunner b = runner("worker-b", f.client);
        time.advance(LEASE.plusSeconds(1));
        assertThat(b.step(p.runId())).isTrue();
        assertThat(f.creates()).as("nothing created while A's create may land").isZero();
        assertThat(chunk(p).nextPollAt()).isEqualTo(createUntil);

        time.advance(Duration.ofMillis(createUntil - time.millis()));
        assertThat(b.step(p.runId())).isTrue();
        assertThat(f.creates()).as("B created the batch A never sent").isEqualTo(1);
        assertThat(chunk(p).state()).isEqualTo(ChunkState.SUBMITTED);
        assertThat(chunk(p).batchId())
                .isEqualTo(upstreamBatchesOf(p.runId()).get(0).path("id").asText());

        assertThat(b.drive(p.runId())).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(1);
        assertThat(f.ledger.spent("2026-12-03"))
                .as("the estimate was reserved once, by A")
                .isGreaterThan(0);
    }
}
