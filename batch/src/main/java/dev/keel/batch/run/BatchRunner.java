package dev.keel.batch.run;

import static dev.keel.batch.ledger.Ledger.set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkCompletion;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkRedo;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.LeaseLostException;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.Reservation;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.plan.Planner;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.api.BatchListParams;
import dev.keel.core.api.FileListParams;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives chunks through their states (see {@link ChunkState}): upload, create, poll, collect,
 * route, replay. Every upstream side effect is preceded by an intent in the ledger and reconciled
 * after a restart: an upload is looked up by file name, a batch by the run and chunk ids in its
 * {@code metadata}. Waiting between polls is a schedule over an injected clock and sleeper. Every
 * upstream call goes through keel's pipeline ({@link KeelClient}); batch creation uses a client
 * without retries, because a create that failed after the server accepted it must be reconciled,
 * not repeated. An upload or create the upstream refuses for good (a 4xx about the request, such as
 * 400 or 413) gives up that chunk only: its items are routed as failures and the run goes on. One
 * runner per worker; thread-confined.
 */
public final class BatchRunner {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");
    private static final int ROUND_STRIDE = 1_000_000;

    private final Ledger ledger;
    private final KeelClient client;
    private final KeelClient createClient;
    private final PriceTable prices;
    private final ReplayPolicy policy;
    private final RunConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ProgressListener progress;
    private final CallOptions options = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);
    private String lastEvent = "";
    private final UpstreamWait wait;

    public BatchRunner(
            Ledger ledger,
            KeelClient client,
            KeelClient createClient,
            PriceTable prices,
            ReplayPolicy policy,
            RunConfig config,
            Clock clock,
            Sleeper sleeper,
            ProgressListener progress) {
        this(
                ledger,
                client,
                createClient,
                prices,
                policy,
                config,
                clock,
                sleeper,
                progress,
                UpstreamWait.DEFAULT_GIVE_UP);
    }

    /**
     * A runner that gives up after {@code giveUpAfter} without getting through to the upstream
     * (see {@link UpstreamGaveUpException}).
     *
     * @throws IllegalArgumentException when {@code giveUpAfter} is not positive
     */
    public BatchRunner(
            Ledger ledger,
            KeelClient client,
            KeelClient createClient,
            PriceTable prices,
            ReplayPolicy policy,
            RunConfig config,
            Clock clock,
            Sleeper sleeper,
            ProgressListener progress,
            Duration giveUpAfter) {
        this.ledger = ledger;
        this.client = client;
        this.createClient = createClient;
        this.prices = prices;
        this.policy = policy;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
        this.wait =
                new UpstreamWait(giveUpAfter, clock, client.config().baseUrl().toString());
    }

    /**
     * Drives {@code runId} until every item is terminal or only held chunks remain.
     *
     * @throws InterruptedException when interrupted while waiting for the next poll
     * @throws UpstreamGaveUpException after {@code giveUpAfter} without getting through to the
     *     upstream; the run stays resumable
     */
    public RunOutcome drive(String runId) throws InterruptedException {
        ledger.releaseHolds(runId);
        wait.start();
        while (true) {
            if (wait.expired()) {
                report(runId);
                throw wait.gaveUp("run " + runId);
            }
            if (step(runId)) {
                report(runId);
                continue;
            }
            Optional<RunOutcome> end = finishedOrHeld(runId);
            if (end.isPresent()) {
                report(runId);
                return end.get();
            }
            sleeper.sleep(untilNextDue(runId));
        }
    }

    /**
     * Works on every active run until none has work left (a worker sharing PostgreSQL with others).
     *
     * @throws UpstreamGaveUpException after {@code giveUpAfter} without getting through to the upstream
     * @throws InterruptedException when interrupted while waiting
     */
    public void work() throws InterruptedException {
        wait.start();
        while (true) {
            if (wait.expired()) {
                throw wait.gaveUp("every active run");
            }
            if (step(null)) {
                continue;
            }
            List<RunRecord> active = ledger.activeRuns();
            boolean busy = false;
            for (RunRecord r : active) {
                busy |= finishedOrHeld(r.runId()).isEmpty();
            }
            if (!busy) {
                return;
            }
            sleeper.sleep(config.pollInterval().dividedBy(4));
        }
    }

    /** Claims one chunk with work due and advances it; false when none was due. */
    public boolean step(String runId) {
        long now = clock.millis();
        Optional<ChunkRecord> claimed =
                ledger.claim(runId, config.workerId(), now, config.lease().toMillis());
        if (claimed.isEmpty()) {
            return false;
        }
        ChunkRecord ch = claimed.get();
        try {
            advance(ch);
            wait.reached();
        } catch (KeelException e) {
            if (forgotten(ch, e)) {
                wait.reached();
                return true;
            }
            if (!e.kind().retryable()) {
                release(ch);
                throw e;
            }
            event(ch, "upstream " + e.kind() + " (" + e.getMessage() + "); next try in " + config.pollInterval());
            progress.waiting(wait.failed(e));
            later(ch);
        } catch (LeaseLostException e) {
            // Another worker took the chunk over while this one was slower than its lease (a stall, a
            // slow upload): the ledger refused this worker's write, so nothing of it was applied. The
            // chunk is the new owner's now; this worker goes on with other work.
            lastEvent = e.getMessage();
            log.warn(
                    "run={} chunk={} {}; left to its new owner. If this happens often, raise --lease (now {})",
                    ch.runId(),
                    ch.chunkNo(),
                    e.getMessage(),
                    config.lease());
        } catch (RuntimeException e) {
            release(ch);
            throw e;
        }
        return true;
    }

    private void advance(ChunkRecord ch) {
        RunRecord run = ledger.run(ch.runId()).orElseThrow();
        boolean cancelling = RunRecord.CANCELLING.equals(run.state());
        switch (ch.state()) {
            case PLANNED, UPLOADED -> {
                if (cancelling) {
                    cancelUnsubmitted(ch);
                } else if (!held(ch)) {
                    if (ch.state() == ChunkState.PLANNED) {
                        update(ch, set("state", "UPLOADING", "intent_at", clock.millis()));
                        upload(ch, false, run);
                    } else {
                        create(ch, false);
                    }
                }
            }
            case UPLOADING -> {
                if (cancelling) {
                    cancelUnsubmitted(ch);
                } else {
                    upload(ch, true, run);
                }
            }
            case CREATING -> {
                if (cancelling && findBatch(ch) == null) {
                    cancelUnsubmitted(ch);
                } else {
                    create(ch, true);
                }
            }
            case SUBMITTED -> poll(ch, cancelling);
            case DONE, CANCELLED, REFUSED -> release(ch);
        }
    }

    // ---- ceilings ----

    /**
     * Holds {@code ch} when a ceiling would be crossed, as seen now. For the daily cap this is an
     * early look that spares an upload; the binding check is the reservation in {@link #create}.
     */
    private boolean held(ChunkRecord ch) {
        String reason = ceiling(ch);
        if (reason == null) {
            return false;
        }
        hold(ch, reason);
        return true;
    }

    private void hold(ChunkRecord ch, String reason) {
        ledger.hold(ch.runId(), ch.chunkNo(), reason);
        release(ch);
        event(ch, "held: " + reason);
    }

    private String ceiling(ChunkRecord ch) {
        if (config.maxCostUsd() != null) {
            double committed = ledger.committed(ch.runId());
            if (committed + ch.estCostUsd() > config.maxCostUsd()) {
                return runCeilingReason(ch, committed);
            }
        }
        if (config.dailyCapUsd() != null) {
            double spent = ledger.spent(today());
            if (spent + ch.estCostUsd() > config.dailyCapUsd()) {
                return dailyCapReason(ch, spent);
            }
        }
        return null;
    }

    private String runCeilingReason(ChunkRecord ch, double committed) {
        return String.format(
                "run cost ceiling: $%.4f committed + $%.4f for chunk %d > --max-cost $%.4f",
                committed, ch.estCostUsd(), ch.chunkNo(), config.maxCostUsd());
    }

    private String dailyCapReason(ChunkRecord ch, double spent) {
        return String.format(
                "daily cap: $%.4f spent on %s (UTC) + $%.4f for chunk %d > --daily-cap $%.4f",
                spent, today(), ch.estCostUsd(), ch.chunkNo(), config.dailyCapUsd());
    }

    private String today() {
        return Instant.ofEpochMilli(clock.millis())
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
    }

    // ---- upload ----

    private void upload(ChunkRecord ch, boolean reconcile, RunRecord run) {
        byte[] content = content(ch, run);
        String fileId = reconcile ? findUpload(ch.fileName(), content.length) : null;
        if (fileId == null) {
            try {
                fileId = client.files()
                        .upload(ch.fileName(), content, "batch", options)
                        .json()
                        .path("id")
                        .asText();
            } catch (KeelException e) {
                if (!refusesChunk(e)) {
                    throw e;
                }
                giveUp(ch, "upload", e);
                return;
            }
            event(ch, "uploaded " + ch.fileName() + " (" + content.length + " bytes) as " + fileId);
        } else {
            event(ch, "found earlier upload " + fileId + " of " + ch.fileName());
        }
        update(ch, set("state", "UPLOADED", "file_id", fileId));
        ChunkRecord uploaded = ledger.chunk(ch.runId(), ch.chunkNo()).orElseThrow();
        if (!held(uploaded)) {
            create(uploaded, false);
        }
    }

    /** The chunk's JSONL, rebuilt from the ledger and kept in the run folder for audit. */
    private byte[] content(ChunkRecord ch, RunRecord run) {
        var b = new StringBuilder();
        for (String line : ledger.chunkLines(ch.runId(), ch.chunkNo())) {
            b.append(line).append('\n');
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        Path file = Path.of(run.runDir(), "chunks", ch.fileName());
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chunk file " + file + ": " + e.getMessage(), e);
        }
        return bytes;
    }

    private FileListParams filesQuery() {
        return FileListParams.all().withPurpose("batch").withLimit(pageSize(FileListParams.MAX_LIMIT));
    }

    private int pageSize(int largest) {
        return config.listPageSize() == null ? largest : config.listPageSize();
    }

    /** The file uploaded for {@code fileName} before a restart: every page of the batch files is read. */
    private String findUpload(String fileName, long bytes) {
        var files = client.files().listAll(filesQuery(), options);
        for (JsonNode f : files) {
            if (fileName.equals(f.path("filename").asText()) && f.path("bytes").asLong() == bytes) {
                return f.path("id").asText();
            }
        }
        return null;
    }

    // ---- create ----

    private void create(ChunkRecord ch, boolean reconcile) {
        String batchId = reconcile ? findBatch(ch) : null;
        if (batchId == null) {
            if (!reconcile) {
                switch (ledger.beginCreate(
                        ch.runId(),
                        ch.chunkNo(),
                        config.workerId(),
                        today(),
                        ch.estCostUsd(),
                        config.dailyCapUsd(),
                        config.maxCostUsd(),
                        clock.millis())) {
                    case Reservation.Reserved reserved -> {}
                    case Reservation.OverRunCeiling over -> {
                        hold(ch, runCeilingReason(ch, over.committedUsd()));
                        return;
                    }
                    case Reservation.OverCap over -> {
                        hold(ch, dailyCapReason(ch, over.committedUsd()));
                        return;
                    }
                }
            }
            ObjectNode body = Json.object()
                    .put("input_file_id", ch.fileId())
                    .put("endpoint", ch.url())
                    .put("completion_window", "24h");
            BatchMetadata.write(body.putObject("metadata"), ch, ChunkRedo.count(ledger, ch.runId(), ch.chunkNo()));
            try {
                batchId = createClient
                        .batches()
                        .create(body, options.withIdempotencyKey(createKey(ch)))
                        .json()
                        .path("id")
                        .asText();
            } catch (KeelException e) {
                if (!refusesChunk(e)) {
                    throw e;
                }
                giveUp(ch, "batch creation", e);
                return;
            }
            event(ch, "created " + batchId + " for chunk " + ch.chunkNo() + " (" + ch.items() + " items)");
        } else {
            event(ch, "found batch " + batchId + " created before a restart for chunk " + ch.chunkNo());
        }
        long now = clock.millis();
        String id = batchId;
        ledger.inTransaction(c -> {
            Ledger.updateChunkIn(
                    c,
                    ch.runId(),
                    ch.chunkNo(),
                    config.workerId(),
                    set(
                            "state",
                            "SUBMITTED",
                            "batch_id",
                            id,
                            "submitted_at",
                            now,
                            "next_poll_at",
                            now + config.pollInterval().toMillis(),
                            "lease_owner",
                            null,
                            "lease_until",
                            null));
            Ledger.markSubmittedIn(c, ch.runId(), ch.chunkNo(), now);
            return null;
        });
    }

    // ---- refusal ----

    /**
     * Whether the upstream refused this chunk's own request for good: a 4xx that is about the request
     * (400, 413, 422, …), not about the account (401/403, a hard quota), a missing resource (404) or
     * load (408, 409, 429). Such an answer means nothing was created, so the chunk can be given up
     * without reconciling; every other failure keeps its chunk in its intent state.
     */
    private static boolean refusesChunk(KeelException e) {
        return e.kind() == ErrorKind.INVALID_REQUEST && e.status() >= 400 && e.status() < 500;
    }

    /**
     * Gives up a chunk the upstream refused: in one ledger transaction its items are routed like
     * failed lines (the upstream's code and message as the reason, through the replay policy, so
     * by default into the manual queue), any daily-spend reservation is released, and the chunk
     * ends {@link ChunkState#REFUSED}. The other chunks of the run go on.
     */
    private void giveUp(ChunkRecord claimed, String step, KeelException e) {
        ChunkRecord ch = ledger.chunk(claimed.runId(), claimed.chunkNo()).orElseThrow();
        boolean cancelling = ledger.run(ch.runId())
                .map(r -> RunRecord.CANCELLING.equals(r.state()))
                .orElse(false);
        String code = e.errorCode() != null ? e.errorCode() : "http_" + e.status();
        String message = "the upstream refused the " + step + " of chunk " + ch.chunkNo() + ": " + e.getMessage();
        var c = new Collection(ch, null, cancelling);
        for (ItemRecord item : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            if (item.state() == ItemState.PENDING) {
                c.add(item, new LineOutcome.Failure(item.customId(), code, null, e.status(), message));
            }
        }
        ledger.complete(c.completion(ChunkState.REFUSED, "refused"));
        lastEvent = "chunk " + ch.chunkNo() + " refused (" + code + ")";
        log.warn(
                "run={} chunk={}: {}; its {} items were routed as failures ({} to replay, the rest to manual.jsonl"
                        + " with this reason) and the run goes on; fix those requests and submit them as a new input",
                ch.runId(),
                ch.chunkNo(),
                message,
                c.failures.size(),
                c.replays.size());
    }

    /** The create's idempotency key: one per chunk, and a new one for a chunk redone after a 404. */
    private String createKey(ChunkRecord ch) {
        int redos = ChunkRedo.count(ledger, ch.runId(), ch.chunkNo());
        return "idem:keel-batch:" + ch.runId() + ":" + ch.chunkNo() + (redos > 0 ? ":redo" + redos : "");
    }

    // ---- forgotten upstream objects ----

    /**
     * Handles a 404 for a chunk's file or batch (an upstream that no longer knows them: expired,
     * deleted, or an emulator that lost them): the first time the chunk is redone — uploaded and
     * created again, its redo marked in the ledger and in the new batch's metadata; the second time
     * (or while the run is cancelling) its items go to the manual queue as {@code upstream_forgot}.
     * Either way the outcome is finite. False when {@code e} is no such 404.
     */
    private boolean forgotten(ChunkRecord claimed, KeelException e) {
        if (e.status() != 404) {
            return false;
        }
        ChunkRecord ch = ledger.chunk(claimed.runId(), claimed.chunkNo()).orElseThrow();
        if (ch.state() != ChunkState.UPLOADED
                && ch.state() != ChunkState.CREATING
                && ch.state() != ChunkState.SUBMITTED) {
            return false;
        }
        boolean cancelling = ledger.run(ch.runId())
                .map(r -> RunRecord.CANCELLING.equals(r.state()))
                .orElse(false);
        String what = ch.batchId() != null ? "batch " + ch.batchId() : "file " + ch.fileId();
        int redos = ChunkRedo.count(ledger, ch.runId(), ch.chunkNo());
        if (!cancelling && redos == 0) {
            ChunkRedo.redo(ledger, ch, config.workerId(), clock.millis());
            event(
                    ch,
                    "the upstream no longer knows " + what + " (" + e.getMessage() + "); redoing chunk " + ch.chunkNo()
                            + " once: upload and create again");
            return true;
        }
        String message = "the upstream no longer knows " + what + " of chunk " + ch.chunkNo()
                + (cancelling ? " (the run is being cancelled)" : " (forgotten again after a redo)") + ": "
                + e.getMessage();
        var c = new Collection(ch, ch.batchId(), cancelling);
        for (ItemRecord item : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            if (item.state() == ItemState.PENDING || item.state() == ItemState.SUBMITTED) {
                c.fail(item, "upstream_forgot", "final", 404, message, false);
            }
        }
        ledger.complete(c.completion(ChunkState.DONE, "upstream_forgot"));
        lastEvent = "chunk " + ch.chunkNo() + ": upstream_forgot";
        log.warn(
                "run={} chunk={}: {}; its {} items went to manual.jsonl with reason upstream_forgot and the run goes on",
                ch.runId(),
                ch.chunkNo(),
                message,
                c.failures.size());
        return true;
    }

    /** The batch created for {@code ch} before a restart, found by its metadata. */
    private String findBatch(ChunkRecord ch) {
        long since = (ch.intentAt() == null ? ch.createdAt() : ch.intentAt()) / 1000 - 300;
        var batches =
                client.batches().listAll(BatchListParams.all().withLimit(pageSize(BatchListParams.MAX_LIMIT)), options);
        int redos = ChunkRedo.count(ledger, ch.runId(), ch.chunkNo());
        for (JsonNode b : batches) {
            if (BatchMetadata.isFor(b, ch.runId(), ch.chunkNo(), redos)) {
                return b.path("id").asText();
            }
            if (b.path("created_at").asLong() < since) {
                return null; // newest first: everything further is older than the chunk's intent
            }
        }
        return null;
    }

    // ---- poll and collect ----

    private void poll(ChunkRecord ch, boolean cancelling) {
        JsonNode batch = client.batches().retrieve(ch.batchId(), options).json();
        String status = batch.path("status").asText();
        if (TERMINAL.contains(status)) {
            collect(ch, batch, cancelling);
            return;
        }
        long now = clock.millis();
        boolean fallbackDue = config.syncFallback()
                && ch.fallbackAt() == null
                && ch.submittedAt() != null
                && now - ch.submittedAt() >= config.latencyTolerance().toMillis() * 9 / 10;
        if ((cancelling || fallbackDue) && !status.equals("cancelling")) {
            client.batches().cancel(ch.batchId(), options);
            event(
                    ch,
                    (fallbackDue ? "near the latency tolerance: " : "run cancelled: ") + "cancelling " + ch.batchId());
        }
        update(
                ch,
                set(
                        "batch_status",
                        status,
                        "done_count",
                        batch.path("request_counts").path("completed").asInt(),
                        "failed_count",
                        batch.path("request_counts").path("failed").asInt(),
                        "next_poll_at",
                        now + config.pollInterval().toMillis(),
                        "fallback_at",
                        fallbackDue ? Long.valueOf(now) : ch.fallbackAt(),
                        "lease_owner",
                        null,
                        "lease_until",
                        null));
    }

    private void collect(ChunkRecord ch, JsonNode batch, boolean cancelling) {
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
        var c = new Collection(ch, batch.path("id").asText(), cancelling);
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
        ledger.complete(c.completion(ChunkState.DONE, status));
        c.meterBatchCost();
        event(
                ch,
                String.format(
                        "collected %s (%s): %d ok, %d to replay, %d final",
                        ch.batchId(),
                        status,
                        c.successes.size(),
                        c.replays.size(),
                        c.failures.size() - c.replays.size()));
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

    /** Collected lines of one chunk on their way into one ledger transaction. */
    private final class Collection {
        final ChunkRecord ch;
        final String batchId;
        final boolean cancelling;
        final List<ChunkCompletion.Success> successes = new ArrayList<>();
        final List<ChunkCompletion.Failure> failures = new ArrayList<>();
        final List<ItemRecord> replays = new ArrayList<>();
        /** Usage of the lines the Batch API ran (not the sync fallbacks, which the pipeline priced). */
        final List<TokenUsage> batchUsage = new ArrayList<>();

        double cost;
        double est;

        Collection(ChunkRecord ch, String batchId, boolean cancelling) {
            this.ch = ch;
            this.batchId = batchId;
            this.cancelling = cancelling;
        }

        void add(ItemRecord item, LineOutcome line) {
            if (line instanceof LineOutcome.Failure f
                    && ch.fallbackAt() != null
                    && !cancelling
                    && (f.code().equals("sync_fallback") || f.code().equals("batch_cancelled"))) {
                line = syncFallback(item);
            }
            switch (ItemOutcome.route(line, policy)) {
                case ItemOutcome.Success s -> success(item, s);
                case ItemOutcome.RetryableFail r -> {
                    boolean replay = !cancelling && item.replayCount() < config.maxReplays();
                    fail(item, r.code(), r.cls().label(), r.statusCode(), r.message(), replay);
                }
                case ItemOutcome.FinalFail f -> fail(item, f.code(), "final", f.statusCode(), f.message(), false);
            }
        }

        void success(ItemRecord item, ItemOutcome.Success s) {
            TokenUsage usage = TokenUsage.fromJson(s.body().path("usage"));
            PriceTier tier =
                    s.requestId() != null && s.requestId().startsWith("sync:") ? PriceTier.STANDARD : PriceTier.BATCH;
            double c = prices.find(ch.model()).isPresent()
                    ? prices.cost(ch.model(), tier, usage).doubleValue()
                    : 0;
            double sync = prices.find(ch.model()).isPresent()
                    ? prices.cost(ch.model(), PriceTier.STANDARD, usage).doubleValue()
                    : 0;
            cost += tier == PriceTier.BATCH ? c : 0;
            if (tier == PriceTier.BATCH) {
                batchUsage.add(usage);
            }
            successes.add(new ChunkCompletion.Success(
                    item.customId(),
                    item.replayCount(),
                    200,
                    Json.write(s.body()),
                    batchId,
                    s.requestId(),
                    tier.name(),
                    usage.input(),
                    usage.cachedInput(),
                    usage.output(),
                    c,
                    sync));
        }

        void fail(ItemRecord item, String code, String cls, Integer status, String message, boolean replay) {
            failures.add(new ChunkCompletion.Failure(
                    item.customId(), item.replayCount(), batchId, code, cls, status, message, replay));
            if (replay) {
                replays.add(item);
            }
        }

        /** Runs an item the cancelled batch did not, through the synchronous pipeline, at sync prices. */
        LineOutcome syncFallback(ItemRecord item) {
            JsonNode line = Json.parse(item.line());
            String path = line.path("url").asText().replaceFirst("^/v1", "");
            try {
                var response = client.send(
                        dev.keel.core.http.HttpCall.postJson(path, Json.writeBytes(line.path("body"))),
                        options.withIdempotencyKey("idem:keel-batch:" + ch.runId() + ":" + item.customId()));
                return new LineOutcome.Success(item.customId(), "sync:" + response.requestId(), response.json());
            } catch (KeelException e) {
                return new LineOutcome.Failure(
                        item.customId(),
                        e.kind().name().toLowerCase(),
                        null,
                        e.status() == 0 ? null : e.status(),
                        e.getMessage());
            }
        }

        /**
         * Adds the collected batch lines to {@code cost_usd_total} at batch prices, once the ledger
         * committed them: collection is the one time a batched generation is priced (polls never are),
         * and a collection the ledger refused (a lost lease) is not counted.
         */
        void meterBatchCost() {
            for (TokenUsage u : batchUsage) {
                client.costMetrics().recordBatch(ch.model(), u);
            }
        }

        ChunkCompletion completion(ChunkState end, String status) {
            ChunkRecord replay = replays.isEmpty() ? null : replayChunk();
            double delta = ch.spendDay() == null ? 0 : cost - ch.estCostUsd();
            return new ChunkCompletion(
                    ch.runId(),
                    ch.chunkNo(),
                    config.workerId(),
                    end,
                    status,
                    clock.millis(),
                    successes,
                    failures,
                    replay,
                    successes.size(),
                    failures.size(),
                    cost,
                    ch.spendDay(),
                    delta);
        }

        ChunkRecord replayChunk() {
            int round = ch.round() + 1;
            int no = round * ROUND_STRIDE + ch.chunkNo() % ROUND_STRIDE;
            String name = Planner.chunkFileName(ch.runId(), ch.chunkNo() % ROUND_STRIDE, round);
            long estIn = 0;
            long estOut = 0;
            long bytes = 0;
            for (ItemRecord i : replays) {
                estIn += i.estInputTokens();
                estOut += i.estOutputTokens();
                bytes += i.line().getBytes(StandardCharsets.UTF_8).length + 1L;
            }
            double estCost = prices.find(ch.model()).isPresent()
                    ? prices.cost(ch.model(), PriceTier.BATCH, new TokenUsage(estIn, 0, estOut))
                            .doubleValue()
                    : 0;
            return ChunkRecord.planned(
                    ch.runId(),
                    no,
                    round,
                    ch.url(),
                    ch.model(),
                    name,
                    replays.size(),
                    bytes,
                    estIn,
                    estOut,
                    estCost,
                    clock.millis());
        }
    }

    // ---- cancel ----

    private void cancelUnsubmitted(ChunkRecord ch) {
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
                ChunkState.CANCELLED,
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
        event(ch, "cancelled chunk " + ch.chunkNo() + " before submission");
    }

    // ---- schedule ----

    private Optional<RunOutcome> finishedOrHeld(String runId) {
        RunRecord run = ledger.run(runId).orElseThrow();
        List<ChunkRecord> open =
                ledger.chunks(runId).stream().filter(c -> c.state().open()).toList();
        Map<ItemState, Long> counts = ledger.itemCounts(runId);
        boolean cancelled = !run.state().equals(RunRecord.ACTIVE);
        if (open.isEmpty()) {
            ledger.finishRun(runId, cancelled ? RunRecord.CANCELLED : RunRecord.DONE, clock.millis());
            return Optional.of(new RunOutcome.Finished(
                    runId,
                    counts.get(ItemState.SUCCEEDED) + counts.get(ItemState.REUSED),
                    counts.get(ItemState.FINAL_FAIL),
                    cancelled));
        }
        if (open.stream().allMatch(c -> c.holdReason() != null)) {
            long held = open.stream().mapToLong(ChunkRecord::items).sum();
            List<String> reasons =
                    open.stream().map(ChunkRecord::holdReason).distinct().toList();
            return Optional.of(new RunOutcome.Held(runId, held, reasons));
        }
        return Optional.empty();
    }

    private Duration untilNextDue(String runId) {
        long now = clock.millis();
        long next = Long.MAX_VALUE;
        for (ChunkRecord c : ledger.chunks(runId)) {
            if (c.state().open() && c.holdReason() == null) {
                next = Math.min(next, c.nextPollAt() == null ? now : c.nextPollAt());
            }
        }
        long wait = Math.max(20, Math.min(next - now, config.pollInterval().toMillis()));
        return Duration.ofMillis(wait);
    }

    private void later(ChunkRecord ch) {
        ledger.update(
                "UPDATE keel_batch_chunk SET next_poll_at = ?, lease_owner = NULL, lease_until = NULL"
                        + " WHERE run_id = ? AND chunk_no = ? AND lease_owner = ?",
                clock.millis() + config.pollInterval().toMillis(),
                ch.runId(),
                ch.chunkNo(),
                config.workerId());
    }

    private void release(ChunkRecord ch) {
        ledger.release(ch.runId(), ch.chunkNo(), config.workerId());
    }

    private void update(ChunkRecord ch, Map<String, Object> assignments) {
        ledger.updateChunk(ch.runId(), ch.chunkNo(), config.workerId(), assignments);
    }

    private void event(ChunkRecord ch, String what) {
        lastEvent = what;
        log.info("run={} chunk={} {}", ch.runId(), ch.chunkNo(), what);
    }

    private void report(String runId) {
        Map<ItemState, Long> c = ledger.itemCounts(runId);
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        progress.progress(new RunProgress(
                runId,
                total,
                c.get(ItemState.PENDING),
                c.get(ItemState.SUBMITTED),
                c.get(ItemState.SUCCEEDED) + c.get(ItemState.REUSED),
                c.get(ItemState.FINAL_FAIL),
                lastEvent));
    }
}
