package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.ChunkCompletion;
import dev.keel.batch.ledger.ChunkMove;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkRedo;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.error.KeelException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collecting a chunk: its batch polled on a schedule (cancelled when the run is, or near the
 * latency tolerance for the sync fallback), its output and error files read once it ends, and each
 * line routed ({@link ChunkRouting}) in one ledger transaction. The same routing ends a chunk that
 * never got a batch: refused by the upstream, cancelled before submission, or forgotten twice. Not
 * thread-safe; one per runner.
 */
final class Collector {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");

    private final RunnerContext ctx;
    private final Ledger ledger;
    private final RunConfig config;
    private final Clock clock;
    private final KeelClient client;
    private final CallOptions options;

    Collector(RunnerContext ctx) {
        this.ctx = ctx;
        this.ledger = ctx.ledger;
        this.config = ctx.config;
        this.clock = ctx.clock;
        this.client = ctx.client;
        this.options = ctx.options;
    }

    /**
     * Looks at the chunk's batch: collects it once it ended, otherwise records its counts (POLLED)
     * and, when the run is cancelling or the sync fallback is due, asks the upstream to cancel it.
     */
    void poll(ChunkRecord ch, boolean cancelling) {
        JsonNode batch = ctx.inStep(ch, "poll", false, s -> pollStep(ch, cancelling, s));
        if (batch != null) {
            ctx.inStep(ch, "collect", false, s -> {
                collect(ch, batch, cancelling, s);
                return null;
            });
        }
    }

    /** The poll step (its span is {@code s}): the batch when it ended (to collect), else null. */
    private JsonNode pollStep(ChunkRecord ch, boolean cancelling, BatchSpans.Step s) {
        JsonNode batch = client.batches().retrieve(ch.batchId(), options).json();
        String status = batch.path("status").asText();
        s.set(BatchSpans.BATCH_STATUS, status);
        if (TERMINAL.contains(status)) {
            s.outcome("ended");
            return batch;
        }
        s.outcome("running");
        long now = clock.millis();
        boolean fallbackDue = config.syncFallback()
                && ch.fallbackAt() == null
                && ch.submittedAt() != null
                && now - ch.submittedAt() >= config.latencyTolerance().toMillis() * 9 / 10;
        if ((cancelling || fallbackDue) && !status.equals("cancelling")) {
            client.batches().cancel(ch.batchId(), options);
            s.outcome(fallbackDue ? "cancel_requested_for_sync_fallback" : "cancel_requested");
            ctx.event(
                    ch,
                    (fallbackDue ? "near the latency tolerance: " : "run cancelled: ") + "cancelling " + ch.batchId());
        }
        ledger.polled(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                status,
                batch.path("request_counts").path("completed").asInt(),
                batch.path("request_counts").path("failed").asInt(),
                now + config.pollInterval().toMillis(),
                fallbackDue ? Long.valueOf(now) : ch.fallbackAt());
        return null;
    }

    private void collect(ChunkRecord ch, JsonNode batch, boolean cancelling, BatchSpans.Step s) {
        Map<String, LineOutcome> lines = new HashMap<>();
        int unreadable = 0;
        for (String field : new String[] {"output_file_id", "error_file_id"}) {
            String id = batch.path(field).asText(null);
            if (id != null && !id.isBlank()) {
                unreadable +=
                        ResultFiles.read(client.files().content(id, options).body(), lines);
            }
        }
        if (unreadable > 0) {
            log.warn(
                    "run={} chunk={} batch={}: {} unreadable result lines; their items count as missing_result",
                    ch.runId(),
                    ch.chunkNo(),
                    ch.batchId(),
                    unreadable);
        }
        List<ItemRecord> items = ledger.chunkItems(ch.runId(), ch.chunkNo());
        Map<Integer, JsonNode> lineErrors = validationErrors(batch);
        String status = batch.path("status").asText();
        var c = new ChunkRouting(ctx, ch, batch.path("id").asText(), cancelling);
        for (int i = 0; i < items.size(); i++) {
            ItemRecord item = items.get(i);
            if (item.state() != ItemState.SUBMITTED) {
                continue;
            }
            LineOutcome line = lines.get(item.customId());
            if (line == null) {
                line = missing(item, status, lineErrors.get(i + 1), firstError(lineErrors), ch);
            }
            c.add(item, line);
        }
        ledger.complete(c.completion(ChunkMove.COLLECTED, status));
        c.meterBatchCost();
        s.set(BatchSpans.BATCH_STATUS, status)
                .set(BatchSpans.SUCCEEDED, (long) c.successCount())
                .set(BatchSpans.REPLAYED, (long) c.replayCount())
                .set(BatchSpans.FAILED, (long) (c.failureCount() - c.replayCount()))
                .outcome("collected");
        ctx.event(
                ch,
                String.format(
                        "collected %s (%s): %d ok, %d to replay, %d final",
                        ch.batchId(), status, c.successCount(), c.replayCount(), c.failureCount() - c.replayCount()));
    }

    /** Validation errors of a failed batch by line (line 0: errors without a line). */
    private static Map<Integer, JsonNode> validationErrors(JsonNode batch) {
        var m = new HashMap<Integer, JsonNode>();
        for (JsonNode e : batch.path("errors").path("data")) {
            int line = e.path("line").isIntegralNumber() ? e.path("line").asInt() : 0;
            m.putIfAbsent(line, e);
        }
        return m;
    }

    /** The batch's first error: one without a line, else the lowest line's; null when it lists none. */
    private static JsonNode firstError(Map<Integer, JsonNode> byLine) {
        return byLine.isEmpty()
                ? null
                : byLine.get(byLine.keySet().stream().min(Integer::compare).orElseThrow());
    }

    /**
     * The outcome of an item the batch's files do not mention. In a batch that failed whole, an item
     * carries its own line's error when the upstream named one, else the batch's first error with
     * its line ({@code batch_failed}, final by default): the upstream's reason either way, so the
     * manual queue says why.
     */
    private LineOutcome missing(ItemRecord item, String status, JsonNode own, JsonNode first, ChunkRecord ch) {
        if (status.equals("failed")) {
            if (own != null || (first != null && !first.path("line").isIntegralNumber())) {
                JsonNode e = own != null ? own : first;
                return new LineOutcome.Failure(
                        item.customId(),
                        e.path("code").asText("batch_failed"),
                        null,
                        null,
                        e.path("message").asText());
            }
            String msg = first == null
                    ? "the upstream failed batch " + ch.batchId() + " without giving a reason"
                    : "the upstream failed batch " + ch.batchId() + " because of line "
                            + first.path("line").asInt() + " ("
                            + first.path("code").asText() + ": "
                            + first.path("message").asText() + ")";
            return new LineOutcome.Failure(item.customId(), "batch_failed", null, null, msg);
        }
        if (status.equals("cancelled")) {
            return new LineOutcome.Failure(
                    item.customId(),
                    ch.fallbackAt() != null ? "sync_fallback" : "batch_cancelled",
                    null,
                    null,
                    "the batch was cancelled before this request ran");
        }
        return new LineOutcome.Failure(
                item.customId(),
                "missing_result",
                null,
                null,
                "the batch ended " + status + " without a result line for this custom_id");
    }

    /**
     * Gives up a chunk the upstream refused: in one ledger transaction its items are routed like
     * failed lines (the upstream's code and message as the reason, through the replay policy, so
     * by default into the manual queue), any daily-spend reservation is released, and the chunk
     * ends {@link ChunkState#REFUSED}. The other chunks of the run go on.
     */
    void refuse(ChunkRecord claimed, String step, KeelException e) {
        ChunkRecord ch = ledger.chunk(claimed.runId(), claimed.chunkNo()).orElseThrow();
        boolean cancelling = ledger.run(ch.runId()).map(RunRecord::cancelling).orElse(false);
        String code = e.errorCode() != null ? e.errorCode() : "http_" + e.status();
        String message = "the upstream refused the " + step + " of chunk " + ch.chunkNo() + ": " + e.getMessage();
        var c = new ChunkRouting(ctx, ch, null, cancelling);
        for (ItemRecord item : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            if (item.state() == ItemState.PENDING) {
                c.add(item, new LineOutcome.Failure(item.customId(), code, null, e.status(), message));
            }
        }
        ledger.complete(c.completion(ChunkMove.REFUSED, "refused"));
        ctx.lastEvent("chunk " + ch.chunkNo() + " refused (" + code + ")");
        log.warn(
                "run={} chunk={}: {}; its {} items were routed as failures ({} to replay, the rest to manual.jsonl"
                        + " with this reason) and the run goes on; fix those requests and submit them as a new input",
                ch.runId(),
                ch.chunkNo(),
                message,
                c.failureCount(),
                c.replayCount());
    }

    /**
     * Handles a 404 for a chunk's file or batch (an upstream that no longer knows them: expired,
     * deleted, or an emulator that lost them): the first time the chunk is redone — uploaded and
     * created again, its redo marked in the ledger and in the new batch's metadata; the second time
     * (or while the run is cancelling) its items go to the manual queue as {@code upstream_forgot}.
     * Either way the outcome is finite. False when {@code e} is no such 404.
     */
    boolean forgotten(ChunkRecord claimed, KeelException e) {
        if (e.status() != 404) {
            return false;
        }
        ChunkRecord ch = ledger.chunk(claimed.runId(), claimed.chunkNo()).orElseThrow();
        if (ch.state() != ChunkState.UPLOADED
                && ch.state() != ChunkState.CREATING
                && ch.state() != ChunkState.SUBMITTED) {
            return false;
        }
        boolean cancelling = ledger.run(ch.runId()).map(RunRecord::cancelling).orElse(false);
        String what = ch.batchId() != null ? "batch " + ch.batchId() : "file " + ch.fileId();
        int redos = ChunkRedo.count(ledger, ch.runId(), ch.chunkNo());
        if (!cancelling && redos == 0) {
            ChunkRedo.redo(ledger, ch, config.workerId(), clock.millis());
            ctx.event(
                    ch,
                    "the upstream no longer knows " + what + " (" + e.getMessage() + "); redoing chunk " + ch.chunkNo()
                            + " once: upload and create again");
            return true;
        }
        String message = "the upstream no longer knows " + what + " of chunk " + ch.chunkNo()
                + (cancelling ? " (the run is being cancelled)" : " (forgotten again after a redo)") + ": "
                + e.getMessage();
        var c = new ChunkRouting(ctx, ch, ch.batchId(), cancelling);
        for (ItemRecord item : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            if (item.state() == ItemState.PENDING || item.state() == ItemState.SUBMITTED) {
                c.fail(item, "upstream_forgot", "final", 404, message, false);
            }
        }
        ledger.complete(c.completion(ChunkMove.FORGOTTEN, "upstream_forgot"));
        ctx.lastEvent("chunk " + ch.chunkNo() + ": upstream_forgot");
        log.warn(
                "run={} chunk={}: {}; its {} items went to manual.jsonl with reason upstream_forgot and the run goes on",
                ch.runId(),
                ch.chunkNo(),
                message,
                c.failureCount());
        return true;
    }

    void cancelUnsubmitted(ChunkRecord ch) {
        long now = clock.millis();
        var failures = new ArrayList<ChunkCompletion.Failure>();
        for (ItemRecord i : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            failures.add(new ChunkCompletion.Failure(
                    i.customId(),
                    i.replayCount(),
                    null,
                    "batch_cancelled",
                    "final",
                    null,
                    "the run was cancelled before this request was submitted",
                    false));
        }
        ledger.complete(new ChunkCompletion(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                ChunkMove.CANCELLED,
                "not_submitted",
                now,
                List.of(),
                failures,
                null,
                0,
                failures.size(),
                0,
                ch.spendDay(),
                ch.spendDay() == null ? 0 : -ch.estCostUsd()));
        ctx.event(ch, "cancelled chunk " + ch.chunkNo() + " before submission");
    }
}
