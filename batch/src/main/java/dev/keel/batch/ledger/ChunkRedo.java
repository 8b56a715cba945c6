package dev.keel.batch.ledger;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A chunk redone because the upstream no longer knows its file or batch (a 404): back to {@link
 * ChunkState#PLANNED} with its upload and batch forgotten, its items pending again and its daily
 * spend reservation released, in one transaction, and counted so it is redone once at most.
 * Stateless; thread-safe.
 */
public final class ChunkRedo {

    private ChunkRedo() {}

    /** How often {@code chunkNo} was redone. */
    public static int count(Ledger ledger, String runId, int chunkNo) {
        return ledger
                .query(
                        "SELECT redo_count FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                        rs -> rs.getInt(1),
                        runId,
                        chunkNo)
                .stream()
                .findFirst()
                .orElse(0);
    }

    /**
     * Puts a chunk the caller leases back to PLANNED for a second upload and creation ({@link
     * ChunkMove#REDONE}).
     *
     * @throws LeaseLostException when another worker took the chunk over; nothing is changed
     * @throws IllegalChunkMoveException when the chunk has no upload or batch to redo
     */
    public static void redo(Ledger ledger, ChunkRecord ch, String owner, long now) {
        ledger.inTransaction(c -> {
            Ledger.move(
                    c,
                    ch.runId(),
                    ch.chunkNo(),
                    owner,
                    ChunkMove.REDONE,
                    Ledger.set(
                            "file_id", null,
                            "batch_id", null,
                            "batch_status", null,
                            "spend_day", null,
                            "intent_at", null,
                            "submitted_at", null,
                            "next_poll_at", null,
                            "done_count", null,
                            "failed_count", null,
                            "redo_count", count(c, ch) + 1,
                            "lease_owner", null,
                            "lease_until", null));
            Ledger.update(
                    c,
                    "UPDATE keel_batch_item SET state = 'PENDING', updated_at = ?"
                            + " WHERE run_id = ? AND chunk_no = ? AND state = 'SUBMITTED'",
                    now,
                    ch.runId(),
                    ch.chunkNo());
            if (ch.spendDay() != null && ch.estCostUsd() != 0) {
                Ledger.addSpend(c, ch.spendDay(), -ch.estCostUsd());
            }
            return null;
        });
    }

    private static int count(Connection c, ChunkRecord ch) throws SQLException {
        return Ledger.query(
                        c,
                        "SELECT redo_count FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                        rs -> rs.getInt(1),
                        ch.runId(),
                        ch.chunkNo())
                .get(0);
    }
}
