package dev.keel.batch.ledger;

/**
 * A chunk move the state table does not allow from the chunk's current state, e.g. {@code POLLED}
 * of a chunk that is {@code DONE}. Thrown by the ledger inside the move's transaction; nothing of
 * the move was applied.
 */
public final class IllegalChunkMoveException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient ChunkState from;
    private final transient ChunkMove move;

    public IllegalChunkMoveException(String runId, int chunkNo, ChunkState from, ChunkMove move) {
        super("run " + runId + " chunk " + chunkNo + ": move " + move + " is not allowed from " + from + " (it goes "
                + move.from() + " -> " + move.to() + "; from " + from + " the table allows " + from.next() + ")");
        this.from = from;
        this.move = move;
    }

    public ChunkState from() {
        return from;
    }

    public ChunkMove move() {
        return move;
    }
}
