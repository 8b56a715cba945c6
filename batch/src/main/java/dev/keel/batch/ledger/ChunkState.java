package dev.keel.batch.ledger;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a chunk is, and its legal edges in one table. Each state before {@link #SUBMITTED} records
 * an intent before the upstream side effect it names, so a restart reconciles instead of repeating
 * it. The ledger moves a chunk only through a {@link ChunkMove}, whose edges are in this table, and
 * checks the move inside the transaction that makes it (an illegal one is refused with {@link
 * IllegalChunkMoveException}, nothing changed).
 *
 * <pre>
 * PLANNED   → UPLOADING                      upload begun
 * PLANNED   → SUBMITTED                      flex begun (its items are sent synchronously, no batch)
 * UPLOADING → UPLOADED                       uploaded (file_id recorded)
 * UPLOADED  → CREATING                       create begun (estimate reserved)
 * CREATING  → SUBMITTED                      submitted, or an orphan adopted by its chunk
 * SUBMITTED → SUBMITTED                      polled
 * SUBMITTED → DONE                           collected
 * UPLOADING, CREATING → REFUSED              the upstream refused the upload or the create (4xx)
 * PLANNED, UPLOADING, UPLOADED, CREATING → CANCELLED     the run was cancelled before submission
 * UPLOADED, CREATING, SUBMITTED → PLANNED    redone once after a 404 for its file or batch
 * UPLOADED, CREATING, SUBMITTED → DONE       forgotten again: its items to the manual queue
 * </pre>
 */
public enum ChunkState {
    /** Written to the run folder and the ledger; not uploaded (a held chunk has a hold reason). */
    PLANNED,
    /** About to upload (or uploading) its file: on restart, look for the file before uploading again. */
    UPLOADING,
    /** Its file is uploaded ({@code file_id} recorded). */
    UPLOADED,
    /** About to create (or creating) its batch: on restart, look for the batch by metadata first. */
    CREATING,
    /**
     * Its batch exists ({@code batch_id} recorded) and is polled on a schedule; or, for a flex chunk
     * (no batch), its items are being sent synchronously.
     */
    SUBMITTED,
    /** Its batch ended and every item was routed. */
    DONE,
    /** Cancelled before it was submitted. */
    CANCELLED,
    /**
     * The upstream refused its upload or its batch creation for good (a 4xx such as 400 or 413): no
     * batch exists, its items were routed as failures, and the other chunks of the run go on.
     */
    REFUSED;

    /** The only legal transitions. */
    private static final Map<ChunkState, Set<ChunkState>> EDGES = new EnumMap<>(ChunkState.class);

    static {
        EDGES.put(PLANNED, EnumSet.of(UPLOADING, SUBMITTED, CANCELLED));
        EDGES.put(UPLOADING, EnumSet.of(UPLOADED, REFUSED, CANCELLED));
        EDGES.put(UPLOADED, EnumSet.of(CREATING, CANCELLED, PLANNED, DONE));
        EDGES.put(CREATING, EnumSet.of(SUBMITTED, REFUSED, CANCELLED, PLANNED, DONE));
        EDGES.put(SUBMITTED, EnumSet.of(SUBMITTED, DONE, PLANNED));
        EDGES.put(DONE, EnumSet.noneOf(ChunkState.class));
        EDGES.put(CANCELLED, EnumSet.noneOf(ChunkState.class));
        EDGES.put(REFUSED, EnumSet.noneOf(ChunkState.class));
    }

    /** Whether the table allows {@code this → to}. */
    public boolean canMoveTo(ChunkState to) {
        return EDGES.get(this).contains(to);
    }

    /** The states reachable from this one in one move. */
    public Set<ChunkState> next() {
        return Collections.unmodifiableSet(EDGES.get(this));
    }

    /** Whether a worker still has something to do for it. */
    public boolean open() {
        return this != DONE && this != CANCELLED && this != REFUSED;
    }
}
