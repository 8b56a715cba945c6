package dev.keel.batch.ledger;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ledger's side of the orphan sweep: which batches a run owns, and the orphans found, each
 * recorded once (a cancelled one's cost added to the day's spend in the same transaction, so the
 * daily cap counts it), or adopted by its chunk in one conditional update. Thread-safe.
 */
public final class Orphans {

    private final Ledger ledger;

    public Orphans(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Batch ids the run's chunks hold, and those already recorded as orphans. */
    public Set<String> known(String runId) {
        var ids = new HashSet<String>(ledger.query(
                "SELECT batch_id FROM keel_batch_chunk WHERE run_id = ? AND batch_id IS NOT NULL",
                rs -> rs.getString(1),
                runId));
        ids.addAll(
                ledger.query("SELECT batch_id FROM keel_batch_orphan WHERE run_id = ?", rs -> rs.getString(1), runId));
        return ids;
    }

    /**
     * Records a cancelled (or already ended) orphan once and adds {@code costUsd} to {@code day}'s spend.
     *
     * @param action {@link OrphanRecord#CANCELLED} or {@link OrphanRecord#ENDED}
     * @return false when it was recorded before (nothing changed)
     */
    public boolean recordStopped(
            String runId,
            String batchId,
            Integer chunkNo,
            String action,
            String status,
            double costUsd,
            String day,
            long now,
            String by) {
        return ledger.inTransaction(c -> {
            int n = insert(c, batchId, runId, chunkNo, action, status, costUsd, day, now, by);
            if (n == 1 && costUsd != 0) {
                Ledger.addSpend(c, day, costUsd);
            }
            return n == 1;
        });
    }

    /**
     * Makes {@code batchId} the batch of chunk {@code chunkNo}, if the chunk is still being created
     * (state CREATING, no batch: the start of {@link ChunkMove#SUBMITTED}) and no other live worker
     * leases it; its items become submitted.
     *
     * @return false when the chunk was not in that state (another worker is on it, or it moved on)
     */
    public boolean adopt(
            String runId,
            int chunkNo,
            String batchId,
            String status,
            String day,
            long now,
            long nextPollAt,
            String by) {
        return ledger.inTransaction(c -> {
            int n = Ledger.update(
                    c,
                    "UPDATE keel_batch_chunk SET state = 'SUBMITTED', batch_id = ?, submitted_at = ?, next_poll_at = ?,"
                            + " lease_owner = NULL, lease_until = NULL, lease_gen = lease_gen + 1, create_owner = NULL,"
                            + " create_until = NULL WHERE run_id = ? AND chunk_no = ?"
                            + " AND state IN (" + ChunkMove.SUBMITTED.fromSql() + ") AND batch_id IS NULL"
                            + " AND (lease_owner IS NULL OR lease_until < ? OR lease_owner = ?)",
                    batchId,
                    now,
                    nextPollAt,
                    runId,
                    chunkNo,
                    now,
                    by);
            if (n != 1) {
                return false;
            }
            Ledger.markSubmitted(c, runId, chunkNo, now);
            insert(c, batchId, runId, chunkNo, OrphanRecord.ADOPTED, status, 0.0, day, now, by);
            return true;
        });
    }

    private static int insert(
            java.sql.Connection c,
            String batchId,
            String runId,
            Integer chunkNo,
            String action,
            String status,
            double cost,
            String day,
            long now,
            String by)
            throws java.sql.SQLException {
        return Ledger.update(
                c,
                "INSERT INTO keel_batch_orphan (batch_id, run_id, chunk_no, action, status, cost_usd, spend_day,"
                        + " found_at, found_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING",
                batchId,
                runId,
                chunkNo,
                action,
                status,
                cost,
                day,
                now,
                by);
    }

    /** The orphans found for a run, oldest first. */
    public List<OrphanRecord> of(String runId) {
        return ledger.query(
                "SELECT batch_id, run_id, chunk_no, action, status, cost_usd, found_at FROM keel_batch_orphan"
                        + " WHERE run_id = ? ORDER BY found_at, batch_id",
                rs -> {
                    int no = rs.getInt(3);
                    Integer chunk = rs.wasNull() ? null : no;
                    return new OrphanRecord(
                            rs.getString(1),
                            rs.getString(2),
                            chunk,
                            rs.getString(4),
                            rs.getString(5),
                            rs.getDouble(6),
                            rs.getLong(7));
                },
                runId);
    }
}
