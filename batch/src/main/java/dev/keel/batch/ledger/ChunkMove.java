package dev.keel.batch.ledger;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The named moves of a chunk, each from a set of states to one state, every edge of them in {@link
 * ChunkState}'s table (checked when this class loads). The ledger applies a move as one conditional
 * update ({@code state IN from}) inside the move's transaction, so a move the table does not allow
 * from the chunk's current state changes nothing and is refused.
 */
public enum ChunkMove {
    /** The worker is about to upload the chunk's file. */
    UPLOAD_BEGUN(ChunkState.UPLOADING, ChunkState.PLANNED),
    /** The file is uploaded; its id is recorded. */
    UPLOADED(ChunkState.UPLOADED, ChunkState.UPLOADING),
    /** The worker is about to create the batch; the estimate is reserved in the day's spend. */
    CREATE_BEGUN(ChunkState.CREATING, ChunkState.UPLOADED),
    /** The batch exists (created, found after a restart, or adopted by the orphan sweep). */
    SUBMITTED(ChunkState.SUBMITTED, ChunkState.CREATING),
    /** The flex lane took the chunk: its items go synchronously at the flex tier, no batch. */
    FLEX_BEGUN(ChunkState.SUBMITTED, ChunkState.PLANNED),
    /** The batch was looked at and is still running. */
    POLLED(ChunkState.SUBMITTED, ChunkState.SUBMITTED),
    /** The batch ended and every item was routed. */
    COLLECTED(ChunkState.DONE, ChunkState.SUBMITTED),
    /** The upstream refused the upload or the create for good; the items were routed as failures. */
    REFUSED(ChunkState.REFUSED, ChunkState.UPLOADING, ChunkState.CREATING),
    /** The run was cancelled before the chunk had a batch; its items went to the manual queue. */
    CANCELLED(ChunkState.CANCELLED, ChunkState.PLANNED, ChunkState.UPLOADING, ChunkState.UPLOADED, ChunkState.CREATING),
    /** The upstream forgot the chunk's file or batch (a 404): planned again, once. */
    REDONE(ChunkState.PLANNED, ChunkState.UPLOADED, ChunkState.CREATING, ChunkState.SUBMITTED),
    /** Forgotten again after a redo (or while cancelling): its items went to the manual queue. */
    FORGOTTEN(ChunkState.DONE, ChunkState.UPLOADED, ChunkState.CREATING, ChunkState.SUBMITTED);

    private final ChunkState to;
    private final Set<ChunkState> from;

    ChunkMove(ChunkState to, ChunkState first, ChunkState... rest) {
        this.to = to;
        this.from = EnumSet.of(first, rest);
        for (ChunkState f : from) {
            if (!f.canMoveTo(to)) {
                throw new ExceptionInInitializerError(
                        "move " + name() + ": " + f + " -> " + to + " is not in" + " ChunkState's table");
            }
        }
    }

    public ChunkState to() {
        return to;
    }

    /** The states this move may start from. */
    public Set<ChunkState> from() {
        return Collections.unmodifiableSet(from);
    }

    /** Whether this move may start from {@code state}. */
    public boolean allowedFrom(ChunkState state) {
        return from.contains(state);
    }

    /** {@code 'A', 'B'} for an SQL {@code IN} list of the states this move starts from. */
    String fromSql() {
        var b = new StringBuilder();
        for (ChunkState s : from) {
            b.append(b.isEmpty() ? "" : ", ").append('\'').append(s.name()).append('\'');
        }
        return b.toString();
    }
}
