package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkRedo;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.OrphanRecord;
import dev.keel.batch.ledger.Orphans;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.api.BatchListParams;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds batches upstream that carry keel's metadata for a run ({@code keel_run}) but that no chunk
 * owns — a create that landed after its worker gave up on it, or one planted by hand — and never
 * leaves them running: every page of the batch list is read (newest first, down to the run's
 * creation); an orphan whose chunk is still being created (state CREATING, no batch, no live
 * worker on it) is adopted as that chunk's batch; any other is cancelled upstream (unless it already
 * ended), and its chunk's
 * estimate (the most it can cost) is added to the run's cost and the day's spend. Each is recorded
 * once in the ledger and shown in the report. Thread-confined.
 */
public final class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    /** Statuses in which a batch can still be cancelled; {@code finalizing} cannot, as the API says. */
    private static final Set<String> RUNNING = Set.of("validating", "in_progress");

    private final Ledger ledger;
    private final Orphans orphans;
    private final KeelClient client;
    private final String owner;
    private final Clock clock;
    private final CallOptions options = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);

    public OrphanSweeper(Ledger ledger, KeelClient client, String owner, Clock clock) {
        this.ledger = ledger;
        this.orphans = new Orphans(ledger);
        this.client = client;
        this.owner = owner;
        this.clock = clock;
    }

    /** Sweeps {@code runId}; returns the orphans found by this sweep (none when the run is unknown). */
    public List<OrphanRecord> sweep(String runId) {
        RunRecord run = ledger.run(runId).orElse(null);
        if (run == null) {
            return List.of();
        }
        long since = run.createdAt() / 1000 - 300;
        Set<String> known = orphans.known(runId);
        var found = new ArrayList<OrphanRecord>();
        for (JsonNode b :
                client.batches().listAll(BatchListParams.all().withLimit(BatchListParams.MAX_LIMIT), options)) {
            if (b.path("created_at").asLong() < since) {
                break; // newest first: everything further is older than the run
            }
            String id = b.path("id").asText();
            if (runId.equals(BatchMetadata.run(b)) && !known.contains(id)) {
                OrphanRecord o = handle(runId, b);
                if (o != null) {
                    found.add(o);
                }
            }
        }
        return found;
    }

    private OrphanRecord handle(String runId, JsonNode b) {
        String id = b.path("id").asText();
        String status = b.path("status").asText();
        Integer chunkNo = chunkNo(BatchMetadata.chunk(b));
        ChunkRecord ch = chunkNo == null ? null : ledger.chunk(runId, chunkNo).orElse(null);
        long now = clock.millis();
        if (ch != null
                && ch.batchId() == null
                && ch.state() == ChunkState.CREATING
                && BatchMetadata.isFor(b, runId, chunkNo, ChunkRedo.count(ledger, runId, chunkNo))) {
            // a batch made before the chunk was redone (its file or batch forgotten) is not its batch now
            if (orphans.adopt(runId, chunkNo, id, status, today(now), now, now, owner)) {
                log.warn(
                        "run={} chunk={}: adopted batch {} found upstream ({}) as the chunk's batch",
                        runId,
                        chunkNo,
                        id,
                        status);
                return new OrphanRecord(id, runId, chunkNo, OrphanRecord.ADOPTED, status, 0, now);
            }
            return null; // a live worker is creating this chunk right now and will find the batch itself
        }
        boolean ended = !RUNNING.contains(status) && !status.equals("cancelling");
        if (RUNNING.contains(status) && !cancelled(id)) {
            ended = true; // it moved on to finalizing (or ended) before the cancel arrived
        }
        String action = ended ? OrphanRecord.ENDED : OrphanRecord.CANCELLED;
        double cost = ch == null ? 0 : ch.estCostUsd();
        if (orphans.recordStopped(runId, id, chunkNo, action, status, cost, today(now), now, owner)) {
            log.warn(
                    "run={} chunk={}: batch {} found upstream ({}) is owned by no chunk{}; {} and counted ${} (its"
                            + " chunk's estimate) in the run's cost and the day's spend",
                    runId,
                    chunkNo,
                    id,
                    status,
                    ch != null && ch.batchId() != null ? " (the chunk's batch is " + ch.batchId() + ")" : "",
                    ended ? "it had already ended" : "cancelled it",
                    cost);
        }
        return new OrphanRecord(id, runId, chunkNo, action, status, cost, now);
    }

    /** Asks the upstream to cancel {@code id}; false when it refused because the batch can no longer be cancelled. */
    private boolean cancelled(String id) {
        try {
            client.batches().cancel(id, options);
            return true;
        } catch (dev.keel.core.error.KeelException e) {
            if (e.kind().retryable() || e.status() < 400 || e.status() >= 500) {
                throw e;
            }
            log.warn("batch {} could not be cancelled ({}); it is recorded as ended", id, e.getMessage());
            return false;
        }
    }

    private static Integer chunkNo(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String today(long now) {
        return Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
