package dev.keel.batch.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a run did, read from the ledger for its report and exports: its results, failed attempts
 * and manual-queue items (streamed in a fixed order, so memory stays flat however large the run),
 * and the figures of its report. Thread-safe.
 */
public final class RunHistory {

    private final Ledger ledger;

    public RunHistory(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * A run's spend: at batch prices for the lines the Batch API ran, at sync prices for those the
     * synchronous pipeline ran at the standard tier, what all its results would have cost at sync
     * prices, and at flex prices for those the flex route (or a flex sync fallback) ran.
     */
    public record Costs(double batchUsd, double syncUsd, double syncEquivalentUsd, double flexUsd) {}

    /** Items that ended on one UTC day. */
    public record DayCounts(String day, long succeeded, long failed) {}

    public Costs costs(String runId) {
        return ledger.query(
                        "SELECT COALESCE(SUM(CASE WHEN tier = 'BATCH' THEN cost_usd ELSE 0 END), 0),"
                                + " COALESCE(SUM(CASE WHEN tier IN ('SYNC', 'STANDARD') THEN cost_usd ELSE 0 END), 0),"
                                + " COALESCE(SUM(sync_cost_usd), 0),"
                                + " COALESCE(SUM(CASE WHEN tier = 'FLEX' THEN cost_usd ELSE 0 END), 0)"
                                + " FROM keel_batch_result WHERE run_id = ?",
                        rs -> new Costs(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)),
                        runId)
                .get(0);
    }

    /** How many items failed at least once. */
    public long failedOnce(String runId) {
        return ledger.query(
                        "SELECT COUNT(DISTINCT custom_id) FROM keel_batch_attempt WHERE run_id = ?",
                        rs -> rs.getLong(1),
                        runId)
                .get(0);
    }

    /** Replays in all (the sum of the items' replay counts). */
    public long replays(String runId) {
        return ledger.query(
                        "SELECT COALESCE(SUM(replay_count), 0) FROM keel_batch_item WHERE run_id = ?",
                        rs -> rs.getLong(1),
                        runId)
                .get(0);
    }

    /** Submission-to-end milliseconds of the run's collected chunks, ascending. */
    public List<Long> latencies(String runId) {
        return ledger.query(
                "SELECT finished_at - submitted_at FROM keel_batch_chunk WHERE run_id = ? AND state = 'DONE'"
                        + " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY 1",
                rs -> rs.getLong(1),
                runId);
    }

    /** Succeeded and final-failed items by the UTC day they ended, oldest day first. */
    public List<DayCounts> endedByDay(String runId) {
        var byDay = new TreeMap<String, long[]>();
        ledger.query(
                "SELECT state, updated_at FROM keel_batch_item WHERE run_id = ? AND state IN ('SUCCEEDED', 'FINAL_FAIL')",
                rs -> {
                    String day = Instant.ofEpochMilli(rs.getLong(2))
                            .atZone(ZoneOffset.UTC)
                            .toLocalDate()
                            .toString();
                    byDay.computeIfAbsent(day, d -> new long[2])[rs.getString(1).equals("SUCCEEDED") ? 0 : 1]++;
                    return null;
                },
                runId);
        var out = new ArrayList<DayCounts>();
        byDay.forEach((day, c) -> out.add(new DayCounts(day, c[0], c[1])));
        return out;
    }

    /** Each result of the run, by {@code custom_id}. */
    public void forEachResult(String runId, Consumer<ResultRecord> each) {
        ledger.query(
                "SELECT custom_id, status_code, replay_count, batch_id, request_id, tier, cost_usd, body,"
                        + " reused_from FROM keel_batch_result WHERE run_id = ? ORDER BY custom_id",
                rs -> {
                    each.accept(new ResultRecord(
                            rs.getString(1),
                            rs.getInt(2),
                            rs.getInt(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getDouble(7),
                            rs.getString(8),
                            rs.getString(9)));
                    return null;
                },
                runId);
    }

    /** The run's results, by {@code custom_id} (small runs; exports stream with {@link #forEachResult}). */
    public List<ResultRecord> results(String runId) {
        var out = new ArrayList<ResultRecord>();
        forEachResult(runId, out::add);
        return out;
    }

    /** Each failed attempt of the run, by {@code custom_id} and replay round. */
    public void forEachAttempt(String runId, Consumer<AttemptRecord> each) {
        ledger.query(
                "SELECT a.custom_id, a.replay_count, a.code, a.class, a.status_code, a.message, a.batch_id, i.line"
                        + " FROM keel_batch_attempt a JOIN keel_batch_item i"
                        + " ON i.run_id = a.run_id AND i.custom_id = a.custom_id"
                        + " WHERE a.run_id = ? ORDER BY a.custom_id, a.replay_count",
                rs -> {
                    int status = rs.getInt(5);
                    each.accept(new AttemptRecord(
                            rs.getString(1),
                            rs.getInt(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.wasNull() ? null : status,
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8)));
                    return null;
                },
                runId);
    }

    /** The run's failed attempts (small runs; exports stream with {@link #forEachAttempt}). */
    public List<AttemptRecord> attempts(String runId) {
        var out = new ArrayList<AttemptRecord>();
        forEachAttempt(runId, out::add);
        return out;
    }

    /** Each item of the run, in line order; {@code state} null for every item. */
    public void forEachItem(String runId, ItemState state, Consumer<ItemRecord> each) {
        ledger.query(
                "SELECT " + Ledger.ITEM_COLUMNS + " FROM keel_batch_item WHERE run_id = ?"
                        + (state == null ? " AND CAST(? AS VARCHAR(16)) IS NULL" : " AND state = ?")
                        + " ORDER BY line_no",
                rs -> {
                    each.accept(Ledger.item(rs));
                    return null;
                },
                runId,
                state);
    }

    /** The run's items in line order, those in {@code state} (every item when null). */
    public List<ItemRecord> items(String runId, ItemState state) {
        var out = new ArrayList<ItemRecord>();
        forEachItem(runId, state, out::add);
        return out;
    }
}
