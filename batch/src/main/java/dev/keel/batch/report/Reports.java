package dev.keel.batch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds a run's report and writes its exports from the ledger. Thread-safe. */
public final class Reports {

    private final Ledger ledger;

    public Reports(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * The report of {@code runId}.
     *
     * @throws IllegalArgumentException when the ledger has no such run
     */
    public RunReport report(String runId, Double dailyCapUsd, double alertThreshold) {
        RunRecord run = ledger.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in ledger " + ledger.database()));
        Map<ItemState, Long> counts = ledger.itemCounts(runId);
        double[] cost = ledger.query(
                        "SELECT COALESCE(SUM(CASE WHEN tier = 'BATCH' THEN cost_usd ELSE 0 END), 0),"
                                + " COALESCE(SUM(CASE WHEN tier IN ('SYNC', 'STANDARD') THEN cost_usd ELSE 0 END), 0),"
                                + " COALESCE(SUM(sync_cost_usd), 0) FROM keel_batch_result WHERE run_id = ?",
                        rs -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)},
                        runId)
                .get(0);
        long failedOnce = ledger.query(
                        "SELECT COUNT(DISTINCT custom_id) FROM keel_batch_attempt WHERE run_id = ?",
                        rs -> rs.getLong(1),
                        runId)
                .get(0);
        long replays = ledger.query(
                        "SELECT COALESCE(SUM(replay_count), 0) FROM keel_batch_item WHERE run_id = ?",
                        rs -> rs.getLong(1),
                        runId)
                .get(0);
        List<Long> latencies = ledger.query(
                "SELECT finished_at - submitted_at FROM keel_batch_chunk WHERE run_id = ? AND state = 'DONE'"
                        + " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY 1",
                rs -> rs.getLong(1),
                runId);
        long p50 = latencies.isEmpty() ? 0 : latencies.get((latencies.size() - 1) / 2);
        long max = latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1);
        return new RunReport(
                runId,
                run.state(),
                run.inputFile(),
                run.items(),
                run.rejected(),
                counts.get(ItemState.SUCCEEDED),
                failedOnce,
                counts.get(ItemState.FINAL_FAIL),
                counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED),
                replays,
                cost[0],
                cost[1],
                cost[2],
                days(runId),
                dailyCapUsd,
                latencies.size(),
                p50,
                max,
                alertThreshold,
                counts.get(ItemState.REUSED),
                new dev.keel.batch.ledger.Orphans(ledger).of(runId));
    }

    private List<RunReport.Day> days(String runId) {
        var ok = new TreeMap<String, long[]>();
        ledger.query(
                "SELECT state, updated_at FROM keel_batch_item WHERE run_id = ? AND state IN ('SUCCEEDED', 'FINAL_FAIL')",
                rs -> {
                    String day = day(rs.getLong(2));
                    long[] c = ok.computeIfAbsent(day, d -> new long[2]);
                    c[rs.getString(1).equals("SUCCEEDED") ? 0 : 1]++;
                    return null;
                },
                runId);
        var out = new ArrayList<RunReport.Day>();
        for (var e : ok.entrySet()) {
            long[] c = e.getValue();
            out.add(new RunReport.Day(e.getKey(), c[0] + c[1], c[0], c[1], ledger.spent(e.getKey())));
        }
        return out;
    }

    private static String day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    /**
     * Writes {@code results.jsonl}, {@code failed.jsonl} and {@code manual.jsonl} into {@code dir}
     * (and {@link SandboxMark#FILE} for a sandbox run).
     */
    public void export(String runId, Path dir) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
                ledger.query(
                        "SELECT custom_id, status_code, replay_count, batch_id, request_id, tier, cost_usd, body,"
                                + " reused_from FROM keel_batch_result WHERE run_id = ? ORDER BY custom_id",
                        rs -> write(w, result(rs)),
                        runId);
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("failed.jsonl"), StandardCharsets.UTF_8)) {
                ledger.query(
                        "SELECT a.custom_id, a.replay_count, a.code, a.class, a.status_code, a.message, a.batch_id, i.line"
                                + " FROM keel_batch_attempt a JOIN keel_batch_item i"
                                + " ON i.run_id = a.run_id AND i.custom_id = a.custom_id"
                                + " WHERE a.run_id = ? ORDER BY a.custom_id, a.replay_count",
                        rs -> write(
                                w,
                                failure(
                                                rs.getString(1),
                                                rs.getInt(2),
                                                rs.getString(3),
                                                rs.getString(4),
                                                (Integer) rs.getObject(5),
                                                rs.getString(6),
                                                rs.getString(8))
                                        .put("batch_id", rs.getString(7))),
                        runId);
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("manual.jsonl"), StandardCharsets.UTF_8)) {
                ledger.query(
                        "SELECT custom_id, replay_count, error_code, error_class, error_message, line"
                                + " FROM keel_batch_item WHERE run_id = ? AND state = 'FINAL_FAIL' ORDER BY line_no",
                        rs -> write(
                                w,
                                failure(
                                        rs.getString(1),
                                        rs.getInt(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        null,
                                        rs.getString(5),
                                        rs.getString(6))),
                        runId);
            }
            SandboxMark.export(ledger, runId, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exports to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode result(java.sql.ResultSet rs) throws java.sql.SQLException {
        ObjectNode o = Json.object()
                .put("custom_id", rs.getString(1))
                .put("status_code", rs.getInt(2))
                .put("replay_count", rs.getInt(3))
                .put("batch_id", rs.getString(4))
                .put("request_id", rs.getString(5))
                .put("tier", rs.getString(6).toLowerCase())
                .put("cost_usd", rs.getDouble(7));
        o.set("body", jsonOrText(rs.getString(8)));
        if (rs.getString(9) != null) {
            o.put("reused_from", rs.getString(9));
        }
        return o;
    }

    /**
     * {@code stored} as JSON when it is JSON, else as a JSON string: the ledger may hold text that is
     * not JSON (a line planned by an older keel, an upstream's odd body), and an export must never
     * fail on what the ledger holds.
     */
    static JsonNode jsonOrText(String stored) {
        if (stored == null) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        try {
            return Json.parse(stored);
        } catch (JsonSyntaxException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(stored);
        }
    }

    private static ObjectNode failure(
            String customId, int replayCount, String code, String cls, Integer status, String message, String line) {
        ObjectNode o = Json.object()
                .put("custom_id", customId)
                .put("replay_count", replayCount)
                .put("code", code)
                .put("class", cls);
        if (status != null) {
            o.put("status_code", status);
        }
        o.put("message", message);
        o.set("request", jsonOrText(line));
        return o;
    }

    private static Void write(BufferedWriter w, JsonNode node) {
        try {
            w.write(Json.write(node));
            w.write('\n');
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
