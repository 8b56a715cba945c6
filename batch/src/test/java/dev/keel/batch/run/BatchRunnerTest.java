package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.AttemptRecord;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.CrashedLedger;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against the emulator over real sockets, one test per batch fault. */
class BatchRunnerTest {

    private static final dev.keel.core.CallOptions BATCH =
            dev.keel.core.CallOptions.defaults().withTrafficClass(dev.keel.core.TrafficClass.BATCH);

    @TempDir
    Path dir;

    private BatchFixture f;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private PlanResult plan(int n, int maxItems) {
        return f.plan(f.input("in.jsonl", n), PlanConfig.ofDefaults().withMaxItems(maxItems));
    }

    /** Uploads a chunk's file exactly as the runner does, outside the runner (a crash's leftover). */
    private String uploadAsTheRunnerWould(ChunkRecord ch) {
        byte[] content = (String.join("\n", f.ledger.chunkLines(ch.runId(), ch.chunkNo())) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return f.client
                .files()
                .upload(ch.fileName(), content, "batch", BATCH)
                .json()
                .path("id")
                .asText();
    }

    private Map<ItemState, Long> counts(String runId) {
        return f.ledger.itemCounts(runId);
    }

    @Test
    void aCleanRunSucceedsEveryItemOnceAtHalfTheSyncPrice() throws Exception {
        PlanResult p = plan(25, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 25, 0, false));
        assertThat(f.creates()).isEqualTo(3);
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.ok()).isEqualTo(25);
        assertThat(r.costRatio()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.batchCostUsd()).isPositive();
        new Reports(f.ledger).export(p.runId(), dir.resolve("out"));
        List<String> results = Files.readAllLines(dir.resolve("out/results.jsonl"));
        assertThat(results).hasSize(25);
        assertThat(results)
                .extracting(l -> Json.parse(l).path("custom_id").asText())
                .doesNotHaveDuplicates();
        assertThat(Json.parse(results.get(0)).at("/body/object").asText()).isEqualTo("response");
        assertThat(f.emulator.requests("POST", "/v1/batches"))
                .allSatisfy(req -> assertThat(
                                Json.parse(req.body()).at("/metadata/keel_run").asText())
                        .isEqualTo(p.runId()));
    }

    @Test
    void partialBatchesReplayOnlyTheFailedLinesWithTheSameCustomIds() throws Exception {
        f.batchOutcomes("batch:partial", "ok");
        PlanResult p = plan(10, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 10, 0, false));
        assertThat(f.creates()).isEqualTo(2);
        List<ChunkRecord> chunks = f.ledger.chunks(p.runId());
        assertThat(chunks).hasSize(2);
        ChunkRecord replay = chunks.get(1);
        assertThat(replay.round()).isEqualTo(1);
        assertThat(replay.items()).isEqualTo(2);
        List<String> replayed = f.ledger.chunkLines(p.runId(), replay.chunkNo());
        assertThat(replayed)
                .extracting(l -> Json.parse(l).path("custom_id").asText())
                .containsExactly("item-5", "item-10");
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.failedOnce()).isEqualTo(2);
        assertThat(r.replays()).isEqualTo(2);
        assertThat(f.history().results(p.runId()).stream()
                        .filter(x -> x.customId().equals("item-5"))
                        .map(ResultRecord::replayCount))
                .containsExactly(1);
    }

    @Test
    void retryableFailuresGoToTheManualQueueAfterThreeReplays() throws Exception {
        f.batchOutcomes("batch:error-only", "batch:error-only", "batch:error-only", "batch:error-only", "ok");
        PlanResult p = plan(3, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 3, false));
        assertThat(f.creates()).isEqualTo(4);
        new Reports(f.ledger).export(p.runId(), dir.resolve("out"));
        List<String> manual = Files.readAllLines(dir.resolve("out/manual.jsonl"));
        assertThat(manual).hasSize(3);
        assertThat(Json.parse(manual.get(0)).path("replay_count").asInt()).isEqualTo(3);
        assertThat(Json.parse(manual.get(0)).path("class").asText()).isEqualTo("server_error");
        assertThat(Files.readAllLines(dir.resolve("out/failed.jsonl"))).hasSize(12);
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.alert()).isTrue();
        assertThat(r.failRate()).isEqualTo(1.0);
    }

    @Test
    void anExpiredBatchKeepsItsFinishedLinesAndReplaysTheRest() throws Exception {
        f.batchOutcomes("batch:expired", "ok");
        PlanResult p = plan(8, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 8, 0, false));
        ChunkRecord first = f.ledger.chunks(p.runId()).get(0);
        assertThat(first.batchStatus()).isEqualTo("expired");
        assertThat(f.ledger.chunks(p.runId()).get(1).items()).isEqualTo(4);
        assertThat(f.history().attempts(p.runId()).stream()
                        .map(AttemptRecord::code)
                        .distinct())
                .containsExactly("batch_expired");
    }

    @Test
    void aFailedBatchReportsItsValidationCodeAndIsReplayedWhenTheCodeIsRetryable() throws Exception {
        f.batchOutcomes("batch:failed", "ok");
        PlanResult p = plan(4, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 4, 0, false));
        assertThat(f.ledger.chunks(p.runId()).get(0).batchStatus()).isEqualTo("failed");
        assertThat(f.history().attempts(p.runId()).stream()
                        .map(a -> a.code() + "/" + a.cls())
                        .distinct())
                .containsExactly("token_limit_exceeded/rate_limit");
    }

    @Test
    void aCompletedBatchWithOnlyAnErrorFileIsRoutedLineByLine() throws Exception {
        f.batchOutcomes("batch:error-only", "ok");
        PlanResult p = plan(5, 10);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.ledger.chunks(p.runId()).get(0).batchStatus()).isEqualTo("completed");
        assertThat(f.ledger.chunks(p.runId()).get(1).items()).isEqualTo(5);
    }

    @Test
    void nonRetryableLinesGoStraightToTheManualQueue() throws Exception {
        var lines = List.of(
                BatchFixture.responsesLine("ok-1", "fine"),
                "{\"custom_id\":\"bad-1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"temperature\":7}}");
        PlanResult p = f.plan(f.write("in.jsonl", lines), PlanConfig.ofDefaults());
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 1, 1, false));
        assertThat(f.creates()).isEqualTo(1);
        assertThat(f.history().items(p.runId(), ItemState.FINAL_FAIL).stream()
                        .map(i -> i.errorCode() + "/" + i.errorClass()))
                .hasSize(1)
                .allSatisfy(s -> assertThat(s).endsWith("/final"));
    }

    @Test
    void aBatchCreationRefusedWith400GivesUpThatChunkOnlyAndRoutesItsItemsToTheManualQueue() throws Exception {
        f.batchOutcomes("ok", "status:400,code:invalid_request_error", "ok");
        PlanResult p = plan(15, 5);

        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 10, 5, false));
        assertThat(f.ledger.chunks(p.runId()))
                .extracting(ChunkRecord::state)
                .containsExactly(ChunkState.DONE, ChunkState.REFUSED, ChunkState.DONE);
        ChunkRecord refused = f.ledger.chunks(p.runId()).get(1);
        assertThat(refused.batchId()).isNull();
        assertThat(refused.batchStatus()).isEqualTo("refused");
        new Reports(f.ledger).export(p.runId(), dir.resolve("out"));
        List<String> manual = Files.readAllLines(dir.resolve("out/manual.jsonl"));
        assertThat(manual)
                .extracting(l -> Json.parse(l).path("custom_id").asText())
                .containsExactly("item-6", "item-7", "item-8", "item-9", "item-10");
        assertThat(manual).allSatisfy(l -> {
            var m = Json.parse(l);
            assertThat(m.path("code").asText()).isEqualTo("invalid_request_error");
            assertThat(m.path("class").asText()).isEqualTo("final");
            assertThat(m.path("message").asText())
                    .contains("batch creation of chunk 2")
                    .contains("HTTP 400")
                    .contains("The request was rejected.");
            assertThat(m.path("request").path("custom_id").asText())
                    .isEqualTo(m.path("custom_id").asText());
        });
        List<String> failed = Files.readAllLines(dir.resolve("out/failed.jsonl"));
        assertThat(failed)
                .hasSize(5)
                .allSatisfy(l ->
                        assertThat(Json.parse(l).path("status_code").asInt()).isEqualTo(400));
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.ok()).isEqualTo(10);
        assertThat(r.manual()).isEqualTo(5);
        assertThat(r.pending()).isZero();
        assertThat(f.ledger.spent(today()))
                .as("the refused chunk's reservation was released; only collected chunks cost")
                .isEqualTo(batchCost(p.runId()), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void anUploadRefusedWith413GivesUpThatChunkAndTheOthersGoOn() throws Exception {
        f.script("POST /v1/files", "ok", "ok", "status:413");
        PlanResult p = plan(12, 4);

        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 8, 4, false));
        assertThat(f.ledger.chunks(p.runId()))
                .extracting(ChunkRecord::state)
                .containsExactly(ChunkState.DONE, ChunkState.DONE, ChunkState.REFUSED);
        assertThat(f.creates()).as("no batch for the refused upload").isEqualTo(2);
        assertThat(f.history().items(p.runId(), ItemState.FINAL_FAIL).stream()
                        .map(i -> i.customId() + " " + i.errorCode() + " " + i.errorClass()))
                .containsExactly(
                        "item-9 http_413 final",
                        "item-10 http_413 final",
                        "item-11 http_413 final",
                        "item-12 http_413 final");
    }

    @Test
    void aRefusedChunkIsReplayedWhenThePolicyMakesItsCodeRetryable() throws Exception {
        f.batchOutcomes("status:400,code:overloaded", "ok");
        PlanResult p = plan(3, 10);
        var runner = f.runner(
                BatchFixture.fast(),
                ReplayPolicy.ofDefaults().with("overloaded", FailureClass.SERVER_ERROR),
                java.time.Clock.systemUTC());

        RunOutcome o = runner.drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 3, 0, false));
        assertThat(f.ledger.chunks(p.runId()))
                .extracting(ChunkRecord::state)
                .containsExactly(ChunkState.REFUSED, ChunkState.DONE);
        assertThat(f.history().results(p.runId()).stream()
                        .map(ResultRecord::replayCount)
                        .distinct())
                .containsExactly(1);
    }

    @Test
    void aBatchCreationThatFailsWith500IsReconciledAndCreatedNotGivenUp() throws Exception {
        f.batchOutcomes("status:500");
        PlanResult p = plan(5, 10);

        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(2);
        assertThat(f.ledger.chunks(p.runId())).extracting(ChunkRecord::state).containsExactly(ChunkState.DONE);
    }

    @Test
    void theReservationOfARefusedCreateIsReleasedSoTheNextChunkFitsUnderTheDailyCap() throws Exception {
        f.batchOutcomes("status:400,code:invalid_request_error", "ok");
        PlanResult p = plan(10, 5);
        double est = f.ledger.chunks(p.runId()).stream()
                .mapToDouble(ChunkRecord::estCostUsd)
                .max()
                .orElseThrow();

        RunOutcome o = f.runner(BatchFixture.fast().withDailyCap(est * 1.5)).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 5, false));
        assertThat(f.creates()).isEqualTo(2);
        assertThat(f.ledger.spent(today())).isEqualTo(batchCost(p.runId()), org.assertj.core.data.Offset.offset(1e-12));
    }

    /** A chunk as a crash right after its reservation leaves it: CREATING, estimate reserved, no batch. */
    private ChunkRecord crashedAfterReserving(PlanResult p, Double cap) {
        ChunkRecord ch = f.ledger.chunks(p.runId()).get(0);
        String fileId = uploadAsTheRunnerWould(ch);
        long gen = f.ledger
                .claim(p.runId(), "local", System.currentTimeMillis(), 60_000)
                .orElseThrow()
                .leaseGen();
        f.ledger.beginUpload(p.runId(), ch.chunkNo(), "local", System.currentTimeMillis());
        f.ledger.uploaded(p.runId(), ch.chunkNo(), "local", fileId);
        assertThat(f.ledger.beginCreate(
                        p.runId(),
                        ch.chunkNo(),
                        "local",
                        gen,
                        today(),
                        ch.estCostUsd(),
                        cap,
                        null,
                        System.currentTimeMillis(),
                        System.currentTimeMillis())) // the crashed create can no longer land
                .isEqualTo(new dev.keel.batch.ledger.Reservation.Reserved());
        assertThat(f.ledger.spent(today())).isEqualTo(ch.estCostUsd());
        return ch;
    }

    @Test
    void aReservationLeftByACrashBeforeTheCreateIsReconciledAndCountedOnce() throws Exception {
        PlanResult p = plan(5, 10);
        double est = f.ledger.chunks(p.runId()).get(0).estCostUsd();
        crashedAfterReserving(p, est * 1.5);

        RunOutcome o = f.runner(BatchFixture.fast().withDailyCap(est * 1.5)).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(1);
        assertThat(f.ledger.spent(today()))
                .as("the reservation became the real cost; it was not reserved a second time")
                .isEqualTo(batchCost(p.runId()), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aReservationLeftByACrashIsReleasedWhenTheRunIsCancelledBeforeAnyBatchExists() throws Exception {
        PlanResult p = plan(5, 10);
        crashedAfterReserving(p, null);
        f.ledger.requestCancel(p.runId());

        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 5, true));
        assertThat(f.creates()).isZero();
        assertThat(f.ledger.chunks(p.runId())).extracting(ChunkRecord::state).containsExactly(ChunkState.CANCELLED);
        assertThat(f.ledger.spent(today())).isZero();
    }

    private static String today() {
        return java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    }

    private double batchCost(String runId) {
        return f.history().results(runId).stream()
                .mapToDouble(ResultRecord::costUsd)
                .sum();
    }

    @Test
    void aRunCeilingHoldsChunksPendingWithTheReasonAndARaisedCeilingResumesThem() throws Exception {
        PlanResult p = plan(30, 10);
        double perChunk = f.ledger.chunks(p.runId()).get(0).estCostUsd();
        RunOutcome held =
                f.runner(BatchFixture.fast().withMaxCost(perChunk * 1.5)).drive(p.runId());
        assertThat(held).isInstanceOf(RunOutcome.Held.class);
        var h = (RunOutcome.Held) held;
        assertThat(h.heldItems()).isEqualTo(20);
        assertThat(h.reasons())
                .allSatisfy(r -> assertThat(r).startsWith("run cost ceiling").contains("--max-cost"));
        assertThat(f.creates()).isEqualTo(1);
        assertThat(counts(p.runId())).containsEntry(ItemState.PENDING, 20L).containsEntry(ItemState.SUCCEEDED, 10L);

        RunOutcome resumed =
                f.runner(BatchFixture.fast().withMaxCost(perChunk * 10)).drive(p.runId());
        assertThat(resumed).isEqualTo(new RunOutcome.Finished(p.runId(), 30, 0, false));
        assertThat(f.creates()).isEqualTo(3);
    }

    @Test
    void theDailyCapIsKeptInTheLedgerAcrossRuns() throws Exception {
        PlanResult first = plan(10, 10);
        f.runner(BatchFixture.fast()).drive(first.runId());
        double spent =
                f.ledger.spent(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        assertThat(spent).isPositive();
        PlanResult second = f.plan(
                f.write("second.jsonl", List.of(BatchFixture.responsesLine("z", "more"))), PlanConfig.ofDefaults());
        RunOutcome o = f.runner(BatchFixture.fast().withDailyCap(spent)).drive(second.runId());
        assertThat(o).isInstanceOf(RunOutcome.Held.class);
        assertThat(((RunOutcome.Held) o).reasons().get(0))
                .startsWith("daily cap")
                .contains("--daily-cap");
    }

    @Test
    void aBatchCreatedJustBeforeACrashIsFoundByItsMetadataNotCreatedAgain() throws Exception {
        PlanResult p = plan(5, 10);
        BatchRunner runner = f.runner(BatchFixture.fast());
        ChunkRecord ch = f.ledger.chunks(p.runId()).get(0);
        // Simulate a crash right after the create call: the upstream batch exists, the ledger says CREATING.
        String fileId = uploadAsTheRunnerWould(ch);
        var body = Json.object()
                .put("input_file_id", fileId)
                .put("endpoint", "/v1/responses")
                .put("completion_window", "24h");
        body.putObject("metadata").put("keel_run", p.runId()).put("keel_chunk", "1");
        String batchId =
                f.client.batches().create(body, BATCH).json().path("id").asText();
        CrashedLedger.chunk(
                f.ledger,
                p.runId(),
                null,
                "state",
                "CREATING",
                "file_id",
                fileId,
                "intent_at",
                System.currentTimeMillis());
        int uploadsBefore = f.emulator.requests("POST", "/v1/files").size();

        RunOutcome o = runner.drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(1);
        assertThat(f.emulator.requests("POST", "/v1/files")).hasSize(uploadsBefore);
        assertThat(f.ledger.chunks(p.runId()).get(0).batchId()).isEqualTo(batchId);
    }

    @Test
    void anUploadInterruptedBeforeItWasRecordedIsFoundByFileName() throws Exception {
        PlanResult p = plan(5, 10);
        ChunkRecord ch = f.ledger.chunks(p.runId()).get(0);
        String fileId = uploadAsTheRunnerWould(ch);
        CrashedLedger.chunk(f.ledger, p.runId(), null, "state", "UPLOADING");

        f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(f.emulator.requests("POST", "/v1/files")).hasSize(1);
        assertThat(f.ledger.chunks(p.runId()).get(0).fileId()).isEqualTo(fileId);
    }

    @Test
    void anUploadInterruptedBeforeItWasRecorded_isFoundOnALaterPageOfTheFileList() throws Exception {
        PlanResult p = plan(5, 10);
        ChunkRecord ch = f.ledger.chunks(p.runId()).get(0);
        String fileId = uploadAsTheRunnerWould(ch);
        for (int i = 0; i < 5; i++) { // newer batch files: the chunk's is on page 3 of pages of 2
            f.client.files().upload("other-" + i + ".jsonl", new byte[] {'{', '}', '\n'}, "batch", BATCH);
        }
        CrashedLedger.chunk(f.ledger, p.runId(), null, "state", "UPLOADING");

        f.runner(BatchFixture.fast().withListPageSize(2)).drive(p.runId());

        assertThat(f.emulator.requests("POST", "/v1/files")).hasSize(6);
        assertThat(f.ledger.chunks(p.runId()).get(0).fileId()).isEqualTo(fileId);
        assertThat(f.emulator.requests("GET", "/v1/files"))
                .extracting(dev.keel.emulator.RecordedRequest::query)
                .hasSize(3)
                .allMatch(q -> q.startsWith("purpose=batch&limit=2"))
                .anyMatch(q -> q.contains("&after=file-"));
    }

    @Test
    void aBatchCreatedJustBeforeACrash_isFoundOnALaterPageOfTheBatchList() throws Exception {
        PlanResult p = plan(5, 10);
        ChunkRecord ch = f.ledger.chunks(p.runId()).get(0);
        String fileId = uploadAsTheRunnerWould(ch);
        var body = Json.object()
                .put("input_file_id", fileId)
                .put("endpoint", "/v1/responses")
                .put("completion_window", "24h");
        body.putObject("metadata").put("keel_run", p.runId()).put("keel_chunk", "1");
        String batchId =
                f.client.batches().create(body, BATCH).json().path("id").asText();
        for (int i = 0; i < 5; i++) { // newer batches of another run: ours is on page 3 of pages of 2
            var other = body.deepCopy();
            other.putObject("metadata").put("keel_run", "another-run").put("keel_chunk", "1");
            f.client.batches().create(other, BATCH);
        }
        CrashedLedger.chunk(
                f.ledger,
                p.runId(),
                null,
                "state",
                "CREATING",
                "file_id",
                fileId,
                "intent_at",
                System.currentTimeMillis());

        RunOutcome o = f.runner(BatchFixture.fast().withListPageSize(2)).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 5, 0, false));
        assertThat(f.creates()).isEqualTo(6);
        assertThat(f.ledger.chunks(p.runId()).get(0).batchId()).isEqualTo(batchId);
        assertThat(f.emulator.requests("GET", "/v1/batches"))
                .extracting(dev.keel.emulator.RecordedRequest::query)
                .hasSize(3);
    }

    @Test
    void cancellingARunCollectsWhatFinishedAndSendsTheRestToTheManualQueue() throws Exception {
        PlanResult p = plan(12, 4);
        BatchRunner runner = f.runner(BatchFixture.fast());
        assertThat(runner.step(p.runId())).isTrue(); // chunk 1 submitted
        f.ledger.requestCancel(p.runId());
        RunOutcome o = runner.drive(p.runId());
        assertThat(o).isInstanceOf(RunOutcome.Finished.class);
        var fin = (RunOutcome.Finished) o;
        assertThat(fin.cancelled()).isTrue();
        assertThat(fin.succeeded() + fin.failed()).isEqualTo(12);
        assertThat(f.creates()).isEqualTo(1);
        assertThat(f.ledger.chunks(p.runId()))
                .extracting(ChunkRecord::state)
                .containsExactly(ChunkState.DONE, ChunkState.CANCELLED, ChunkState.CANCELLED);
        assertThat(f.history().items(p.runId(), null).stream()
                        .filter(i -> "batch_cancelled".equals(i.errorCode()))
                        .count())
                .isGreaterThanOrEqualTo(8);
    }

    @Test
    void everyItemEndsInExactlyOneTerminalStateAndTheSinkHasOneRowPerSuccess() throws Exception {
        f.batchOutcomes("batch:partial", "batch:partial", "ok");
        PlanResult p = plan(40, 10);
        f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(f.history().items(p.runId(), null).stream()
                        .filter(i -> i.state() == ItemState.SUCCEEDED || i.state() == ItemState.FINAL_FAIL)
                        .count())
                .isEqualTo(40);
        var results = f.history().results(p.runId());
        assertThat(results.size() + "/"
                        + results.stream()
                                .map(ResultRecord::customId)
                                .distinct()
                                .count())
                .isEqualTo("40/40");
    }

    @Test
    void nearTheLatencyToleranceUnfinishedItemsAreCancelledAndRunSynchronouslyAtSyncPrices() throws Exception {
        f.batchOutcomes("batch:expired");
        PlanResult p = plan(6, 10);
        var clock = new ShiftedClock();
        var config = BatchFixture.fast().withSyncFallback(true, java.time.Duration.ofMinutes(10));
        var runner = f.runner(config, ReplayPolicy.ofDefaults(), clock);
        assertThat(runner.step(p.runId())).isTrue(); // submitted
        clock.shift(java.time.Duration.ofMinutes(9));
        RunOutcome o = runner.drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 6, 0, false));
        assertThat(f.emulator.requests(
                        "POST",
                        "/v1/batches/" + f.ledger.chunks(p.runId()).get(0).batchId() + "/cancel"))
                .hasSize(1);
        var tiers = f.history().results(p.runId()).stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        ResultRecord::tier, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .entrySet()
                .stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
        assertThat(tiers).hasSize(2).anySatisfy(t -> assertThat(t).startsWith("STANDARD="));
        assertThat(f.emulator.requests("POST", "/v1/responses")).isNotEmpty();
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.syncFallbackCostUsd()).isPositive();
        assertThat(r.costRatio()).isGreaterThan(0.5);
    }

    @Test
    void aWorkerThatLostItsLeaseMidStepLeavesTheChunkToItsNewOwnerInsteadOfFailing() throws Exception {
        PlanResult p = plan(4, 10);
        f.script("POST /v1/files", "latency:1500ms"); // the first upload is slow: longer than the lease
        var slow = f.runner(BatchFixture.fast().withWorker("slow", java.time.Duration.ofMillis(300)));
        var ahead = new ShiftedClock();
        ahead.shift(java.time.Duration.ofSeconds(1)); // to this worker the slow one's lease has run out
        var other = f.runner(
                BatchFixture.fast().withWorker("other", java.time.Duration.ofSeconds(30)),
                ReplayPolicy.ofDefaults(),
                ahead);
        var slowStep = java.util.concurrent.CompletableFuture.supplyAsync(() -> slow.step(p.runId()));
        org.awaitility.Awaitility.await("the slow worker has claimed the chunk and noted its upload intent")
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> f.ledger.chunks(p.runId()).get(0).intentAt() != null);
        assertThat(other.step(p.runId()))
                .as("the other worker takes the chunk over")
                .isTrue();
        assertThat(slowStep.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .as("the slow worker's refused write ends its step, not the worker")
                .isTrue();
        RunOutcome o = other.drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 4, 0, false));
        assertThat(f.creates()).as("one batch, by the new owner").isEqualTo(1);
    }

    /** The system clock, moved forward on demand. */
    static final class ShiftedClock extends java.time.Clock {
        private volatile long offset;

        void shift(java.time.Duration d) {
            offset += d.toMillis();
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(System.currentTimeMillis() + offset);
        }
    }
}
