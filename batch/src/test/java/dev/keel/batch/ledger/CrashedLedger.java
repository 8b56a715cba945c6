package dev.keel.batch.ledger;

/**
 * Test surgery on a ledger: rows left as a crash (or an older keel) would leave them, written
 * directly past the typed moves. Tests only; it lives in the ledger package because no SQL is
 * written outside it.
 */
public final class CrashedLedger {

    private CrashedLedger() {}

    /**
     * Sets columns of every chunk of {@code runId} ({@code chunkNo} null) or of one, e.g. {@code
     * "state", "CREATING", "intent_at", now}: a worker that died between two writes.
     */
    public static void chunk(Ledger ledger, String runId, Integer chunkNo, Object... columnsAndValues) {
        var set = Ledger.set(columnsAndValues);
        var sql = new StringBuilder("UPDATE keel_batch_chunk SET ");
        var values = new java.util.ArrayList<>();
        for (var e : set.entrySet()) {
            sql.append(values.isEmpty() ? "" : ", ").append(e.getKey()).append(" = ?");
            values.add(e.getValue() instanceof Enum<?> en ? en.name() : e.getValue());
        }
        sql.append(" WHERE run_id = ?");
        values.add(runId);
        if (chunkNo != null) {
            sql.append(" AND chunk_no = ?");
            values.add(chunkNo);
        }
        if (ledger.update(sql.toString(), values.toArray()) == 0) {
            throw new IllegalArgumentException("no chunk " + chunkNo + " in run " + runId);
        }
    }

    /** Replaces an item's stored request line (a line planned by an older keel). */
    public static void itemLine(Ledger ledger, String runId, String customId, String line) {
        ledger.update("UPDATE keel_batch_item SET line = ? WHERE run_id = ? AND custom_id = ?", line, runId, customId);
    }

    /** Replaces a stored result body (an upstream's odd answer). */
    public static void resultBody(Ledger ledger, String runId, String customId, String body) {
        ledger.update(
                "UPDATE keel_batch_result SET body = ? WHERE run_id = ? AND custom_id = ?", body, runId, customId);
    }

    /** The lease expiry of every chunk of {@code runId}, by chunk number (null when not leased). */
    public static java.util.List<Long> leaseUntil(Ledger ledger, String runId) {
        return ledger.query(
                "SELECT lease_until FROM keel_batch_chunk WHERE run_id = ? ORDER BY chunk_no",
                rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                },
                runId);
    }
}
