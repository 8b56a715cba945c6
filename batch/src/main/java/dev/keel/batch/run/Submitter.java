package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkRedo;
import dev.keel.batch.ledger.LeaseLostException;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelResponse;
import dev.keel.core.api.BatchListParams;
import dev.keel.core.api.FileListParams;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Submitting a chunk: its upload and its batch creation, each after an intent in the ledger, and
 * the reconcile after a crash (an upload looked up by file name and size, a batch by the run and
 * chunk ids in its {@code metadata}, every page of either list). Creation is one attempt ({@link
 * CallOptions#withMaxAttempts}): a create that failed after the server accepted it is reconciled,
 * not repeated. An upload or create the upstream refuses for good gives up that chunk only ({@link
 * Collector#refuse}). Not thread-safe; one per runner.
 */
final class Submitter {

    private final RunnerContext ctx;
    private final Ledger ledger;
    private final RunConfig config;
    private final Clock clock;
    private final KeelClient client;
    private final CallOptions options;
    private final Ceilings ceilings;
    private final Collector collector;
    /** Sent as {@code output_expires_after} on batch create; null: the API's default. */
    private volatile java.time.Duration outputExpiresAfter;

    /** What the runner was told to ask for as {@code output_expires_after}; checked there. */
    void outputExpiresAfter(java.time.Duration d) {
        this.outputExpiresAfter = d;
    }

    Submitter(RunnerContext ctx, Ceilings ceilings, Collector collector) {
        this.ctx = ctx;
        this.ledger = ctx.ledger;
        this.config = ctx.config;
        this.clock = ctx.clock;
        this.client = ctx.client;
        this.options = ctx.options;
        this.ceilings = ceilings;
        this.collector = collector;
    }

    /**
     * Uploads the chunk's file (UPLOADING → UPLOADED) and goes on to create its batch unless a
     * ceiling holds it; {@code reconcile} first looks for an upload made before a crash.
     */
    void upload(ChunkRecord ch, boolean reconcile, RunRecord run) {
        ChunkRecord uploaded = ctx.inStep(ch, "upload", reconcile, s -> uploadStep(ch, reconcile, run, s));
        if (uploaded != null && !ceilings.held(uploaded)) {
            create(uploaded, false);
        }
    }

    /** The upload step (its span is {@code s}): the chunk as UPLOADED, or null when the upstream refused it. */
    private ChunkRecord uploadStep(ChunkRecord ch, boolean reconcile, RunRecord run, BatchSpans.Step s) {
        byte[] content = content(ch, run);
        String fileId = reconcile ? findUpload(ch.fileName(), content.length) : null;
        if (fileId == null) {
            fileId = idOrRefused(ch, "upload", () -> client.files().upload(ch.fileName(), content, "batch", options));
            if (fileId == null) {
                s.outcome("refused");
                return null;
            }
            ctx.event(ch, "uploaded " + ch.fileName() + " (" + content.length + " bytes) as " + fileId);
            s.outcome("uploaded");
        } else {
            ctx.event(ch, "found earlier upload " + fileId + " of " + ch.fileName());
            s.outcome("found");
        }
        s.set(BatchSpans.FILE_ID, fileId);
        ledger.uploaded(ch.runId(), ch.chunkNo(), config.workerId(), fileId);
        ChunkRecord uploaded = ledger.chunk(ch.runId(), ch.chunkNo()).orElseThrow();
        if (uploaded.leaseGen() != ch.leaseGen()) {
            throw new LeaseLostException(
                    ch.runId(), ch.chunkNo(), config.workerId(), ch.leaseGen(), uploaded.leaseGen());
        }
        return uploaded;
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

    /**
     * Creates the chunk's batch (UPLOADED → CREATING with the estimate reserved, → SUBMITTED), or
     * holds it at a ceiling; {@code reconcile} (a chunk found CREATING) first looks for a batch made
     * before a crash and records that one instead.
     *
     * <p>A chunk whose earlier create may still land ({@link ChunkRecord#createUntil()}: that call's
     * deadline plus one per-call timeout for the upstream to finish what it accepted) — another
     * worker's that was taken over, or this worker's own that got no answer — and whose batch is not
     * upstream yet is not created again: it is looked at again once that time has passed, when the
     * earlier create has either landed (and is found by its metadata) or can no longer land. A create
     * made while reconciling is recorded the same way first, so the same holds for the next holder.
     */
    void create(ChunkRecord ch, boolean reconcile) {
        ctx.inStep(ch, "create", reconcile, s -> {
            createStep(ch, reconcile, s);
            return null;
        });
    }

    /** The create step; its span is {@code s}. */
    private void createStep(ChunkRecord ch, boolean reconcile, BatchSpans.Step s) {
        String batchId = reconcile ? findBatch(ch) : null;
        if (batchId == null) {
            long deadline = ctx.createDeadline();
            long until = ctx.createMayLandUntil(deadline);
            if (!reconcile) {
                if (!ceilings.reserve(ch, until)) {
                    s.outcome("held");
                    return;
                }
            } else if (aCreateMayStillLand(ch)) {
                waitForTheEarlierCreate(ch);
                s.outcome("waiting_for_other_create");
                return;
            } else {
                ledger.createResumed(ch.runId(), ch.chunkNo(), config.workerId(), ch.leaseGen(), until);
            }
            // The call may not outlive what the ledger says of it: its budget ends at its deadline.
            long budget = deadline - clock.millis();
            if (budget < 1) {
                ledger.later(ch.runId(), ch.chunkNo(), config.workerId(), clock.millis());
                s.outcome("deadline_passed");
                return;
            }
            ObjectNode body = Json.object()
                    .put("input_file_id", ch.fileId())
                    .put("endpoint", ch.url())
                    .put("completion_window", "24h");
            if (outputExpiresAfter != null) {
                body.putObject("output_expires_after")
                        .put("anchor", "created_at")
                        .put("seconds", outputExpiresAfter.toSeconds());
            }
            BatchMetadata.write(body.putObject("metadata"), ch, ChunkRedo.count(ledger, ch.runId(), ch.chunkNo()));
            try {
                batchId = idOrRefused(
                        ch,
                        "batch creation",
                        () -> client.batches()
                                .create(
                                        body,
                                        options.withIdempotencyKey(createKey(ch))
                                                .withMaxAttempts(1)
                                                .withBudget(java.time.Duration.ofMillis(budget))));
            } catch (KeelException e) {
                answeredNo(ch, e);
                throw e;
            }
            if (batchId == null) {
                s.outcome("refused");
                return;
            }
            ctx.event(ch, "created " + batchId + " for chunk " + ch.chunkNo() + " (" + ch.items() + " items)");
            s.outcome("created");
        } else {
            ctx.event(ch, "found batch " + batchId + " created before a restart for chunk " + ch.chunkNo());
            s.outcome("found");
        }
        s.set(BatchSpans.BATCH_ID, batchId);
        long now = clock.millis();
        ledger.submitted(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                ch.leaseGen(),
                batchId,
                now,
                now + config.pollInterval().toMillis());
    }

    /**
     * Whether an earlier create of this chunk — another worker's, or this worker's own that ended
     * without an answer (a timeout, a dropped connection) — may still land upstream.
     */
    private boolean aCreateMayStillLand(ChunkRecord ch) {
        return ch.createUntil() != null && clock.millis() < ch.createUntil();
    }

    /** Leaves the chunk CREATING and comes back to it when the earlier create can no longer land. */
    private void waitForTheEarlierCreate(ChunkRecord ch) {
        ledger.later(ch.runId(), ch.chunkNo(), config.workerId(), ch.createUntil());
        ctx.event(
                ch,
                "the batch creation begun by worker " + ch.createOwner() + " may still land (until "
                        + java.time.Instant.ofEpochMilli(ch.createUntil()) + "); no batch of chunk " + ch.chunkNo()
                        + " upstream yet, so none is created now: looking for it again then");
    }

    /**
     * A create the upstream answered with an error (any status) is over and made nothing: the chunk's
     * next holder need not wait for it. One that got no answer keeps its {@code create_until}.
     */
    private void answeredNo(ChunkRecord ch, KeelException e) {
        if (e.status() > 0) {
            try {
                ledger.createEnded(ch.runId(), ch.chunkNo(), config.workerId(), ch.leaseGen());
            } catch (RuntimeException ignored) {
                // another worker took the chunk over: its own record of the create stands
            }
        }
    }

    /**
     * Whether the upstream refused this chunk's own request for good: a 4xx that is about the request
     * (400, 413, 422, …), not about the account (401/403, a hard quota), a missing resource (404) or
     * load (408, 409, 429). Such an answer means nothing was created, so the chunk can be given up
     * without reconciling; every other failure keeps its chunk in its intent state.
     */
    /**
     * The {@code id} the upstream answered {@code call} with, or null when it refused the chunk for
     * good (its items are then routed as failures, see {@link Collector#refuse}).
     */
    private String idOrRefused(ChunkRecord ch, String step, Supplier<KeelResponse> call) {
        try {
            return call.get().json().path("id").asText();
        } catch (KeelException e) {
            if (!refusesChunk(e)) {
                throw e;
            }
            collector.refuse(ch, step, e);
            return null;
        }
    }

    static boolean refusesChunk(KeelException e) {
        return e.kind() == ErrorKind.INVALID_REQUEST && e.status() >= 400 && e.status() < 500;
    }

    /** The create's idempotency key: one per chunk, and a new one for a chunk redone after a 404. */
    private String createKey(ChunkRecord ch) {
        int redos = ChunkRedo.count(ledger, ch.runId(), ch.chunkNo());
        return "idem:keel-batch:" + ch.runId() + ":" + ch.chunkNo() + (redos > 0 ? ":redo" + redos : "");
    }

    /** The batch created for {@code ch} before a restart, found by its metadata. */
    String findBatch(ChunkRecord ch) {
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
}
