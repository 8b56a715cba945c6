package dev.keel.batch.ledger;

import java.util.List;
import java.util.Optional;

/**
 * The ledger's side of the flex route: a chunk's route, the move that hands a planned chunk to the
 * flex lane ({@link ChunkMove#FLEX_BEGUN}: its items submitted, no batch), and the per-item
 * settlement that records each answer as it arrives, so a crash loses at most the calls in flight.
 * Each write is conditional on the caller's lease of the chunk (a worker that lost it changes
 * nothing: {@link LeaseLostException}). Thread-safe (a connection per operation).
 */
public final class FlexRecords {

    /** The route column's value for a chunk the flex lane took. */
    public static final String FLEX = "flex";
    /** The route column's value for a chunk that must go through the Batch API. */
    public static final String BATCH = "batch";

    private final Ledger ledger;

    public FlexRecords(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The chunk's pinned route ({@link #FLEX} or {@link #BATCH}); empty when it follows its run's. */
    public Optional<String> route(String runId, int chunkNo) {
        return ledger
                .query(
                        "SELECT route FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                        rs -> Optional.ofNullable(rs.getString(1)),
                        runId,
                        chunkNo)
                .stream()
                .findFirst()
                .flatMap(o -> o);
    }

    /** The distinct models of a run's chunks. */
    public List<String> models(String runId) {
        return ledger.query(
                "SELECT DISTINCT model FROM keel_batch_chunk WHERE run_id = ? ORDER BY model",
                rs -> rs.getString(1),
                runId);
    }

    /**
     * {@link ChunkMove#FLEX_BEGUN}: the chunk is the flex lane's (route {@code flex}, status {@code
     * flex}, no batch) and its pending items are submitted, in one transaction; the lease stays.
     *
     * @throws LeaseLostException when another worker took the chunk over
     * @throws IllegalChunkMoveException when the chunk is not PLANNED
     */
    public void begin(String runId, int chunkNo, String owner, long now) {
        ledger.inTransaction(c -> {
            Ledger.move(
                    c,
                    runId,
                    chunkNo,
                    owner,
                    ChunkMove.FLEX_BEGUN,
                    Ledger.set("route", FLEX, "batch_status", FLEX, "intent_at", now, "submitted_at", now));
            Ledger.markSubmitted(c, runId, chunkNo, now);
            return null;
        });
    }

    /**
     * Records answers of a flex chunk's items as they arrive: each success into the result sink and
     * each final failure into the manual queue (with its attempt), in one transaction that first
     * checks (and renews until {@code leaseUntil}) the caller's lease of the chunk. The chunk stays
     * SUBMITTED; {@link Ledger#complete} ends it once every item is settled.
     *
     * @param finals failures with {@code replay == false} only
     * @throws LeaseLostException when another worker took the chunk over; nothing is written
     * @throws IllegalArgumentException when a failure in {@code finals} is a replay
     */
    public void settle(
            String runId,
            int chunkNo,
            String owner,
            long now,
            long leaseUntil,
            List<ChunkCompletion.Success> successes,
            List<ChunkCompletion.Failure> finals) {
        for (var f : finals) {
            if (f.replay()) {
                throw new IllegalArgumentException("a flex settlement records final failures only; " + f.customId()
                        + " is a replay (replays are routed when the chunk completes)");
            }
        }
        var d = new ChunkCompletion(
                runId,
                chunkNo,
                owner,
                ChunkMove.POLLED,
                FLEX,
                now,
                successes,
                finals,
                null,
                successes.size(),
                finals.size(),
                0,
                null,
                0);
        ledger.inTransaction(c -> {
            int n = Ledger.update(
                    c,
                    "UPDATE keel_batch_chunk SET lease_until = ? WHERE run_id = ? AND chunk_no = ?"
                            + " AND lease_owner = ? AND state = 'SUBMITTED' AND route = 'flex'",
                    leaseUntil,
                    runId,
                    chunkNo,
                    owner);
            if (n != 1) {
                throw new LeaseLostException(runId, chunkNo, owner);
            }
            Ledger.upsertResults(c, d);
            Ledger.applyFailures(c, d);
            return null;
        });
    }

    /** What the results a chunk's items got cost, in USD (the flex chunk's actual cost). */
    public double chunkCost(String runId, int chunkNo) {
        return ledger.query(
                        "SELECT COALESCE(SUM(r.cost_usd), 0) FROM keel_batch_result r JOIN keel_batch_item i"
                                + " ON i.run_id = r.run_id AND i.custom_id = r.custom_id"
                                + " WHERE i.run_id = ? AND i.chunk_no = ? AND i.state = 'SUCCEEDED'",
                        rs -> rs.getDouble(1),
                        runId,
                        chunkNo)
                .get(0);
    }

    /** How many of a chunk's items ended, by success and final failure: {@code [ok, failed]}. */
    public long[] chunkCounts(String runId, int chunkNo) {
        return ledger.query(
                        "SELECT COALESCE(SUM(CASE WHEN state = 'SUCCEEDED' THEN 1 ELSE 0 END), 0),"
                                + " COALESCE(SUM(CASE WHEN state = 'FINAL_FAIL' THEN 1 ELSE 0 END), 0)"
                                + " FROM keel_batch_item WHERE run_id = ? AND chunk_no = ?",
                        rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        runId,
                        chunkNo)
                .get(0);
    }
}
