package dev.keel.batch.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the batch ledger; the only place (with the other classes of this package) that
 * speaks SQL. A chunk changes state only through a typed move ({@link ChunkMove}: upload begun,
 * uploaded, create begun, submitted, polled, collected, refused, cancelled, redone, forgotten), each
 * one conditional update inside its transaction that names the worker holding the chunk's lease and
 * the states the move may start from ({@link ChunkState}'s table): a worker whose lease expired
 * cannot overwrite the work of the one that took over ({@link LeaseLostException}), and a move the
 * table does not allow changes nothing ({@link IllegalChunkMoveException}). Thread-safe (a
 * connection per operation).
 */
public final class Ledger {

    private static final String CHUNK_COLUMNS = "run_id, chunk_no, round, url, model, file_name, items, bytes,"
            + " est_in_tokens, est_out_tokens, est_cost_usd, state, hold_reason, file_id, batch_id, batch_status,"
            + " spend_day, created_at, intent_at, submitted_at, finished_at, next_poll_at, done_count, failed_count,"
            + " actual_cost_usd, fallback_at, lease_gen, create_owner, create_until";

    private final Database db;

    public Ledger(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    // ---- runs ----

    public Optional<RunRecord> run(String runId) {
        return query(
                        "SELECT run_id, created_at, input_file, input_sha256, run_dir, config, state, items, rejected,"
                                + " finished_at FROM keel_batch_run WHERE run_id = ?",
                        Ledger::run,
                        runId)
                .stream()
                .findFirst();
    }

    /** Runs with work left, oldest first. */
    public List<RunRecord> activeRuns() {
        return query(
                "SELECT run_id, created_at, input_file, input_sha256, run_dir, config, state, items, rejected,"
                        + " finished_at FROM keel_batch_run WHERE state IN ('ACTIVE', 'CANCELLING') ORDER BY created_at, run_id",
                Ledger::run);
    }

    /** The newest run, if any. */
    public Optional<RunRecord> latestRun() {
        return query(
                        "SELECT run_id, created_at, input_file, input_sha256, run_dir, config, state, items, rejected,"
                                + " finished_at FROM keel_batch_run ORDER BY created_at DESC, run_id DESC LIMIT 1",
                        Ledger::run)
                .stream()
                .findFirst();
    }

    private static RunRecord run(ResultSet rs) throws SQLException {
        long fin = rs.getLong(10);
        return new RunRecord(
                rs.getString(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                RunState.valueOf(rs.getString(7)),
                rs.getLong(8),
                rs.getLong(9),
                rs.wasNull() ? null : fin);
    }

    /** The ids of the newest {@code limit} runs (every run when 0), newest first. */
    public List<String> runIds(int limit) {
        return query(
                "SELECT run_id FROM keel_batch_run ORDER BY created_at DESC, run_id DESC"
                        + (limit > 0 ? " LIMIT " + limit : ""),
                rs -> rs.getString(1));
    }

    /**
     * Marks a run finished, once: an ACTIVE run ends DONE, a CANCELLING one CANCELLED (the edges of
     * {@link RunState}); a finished run is left as it is.
     */
    public void finishRun(String runId, long now) {
        update(
                "UPDATE keel_batch_run SET state = CASE state WHEN 'CANCELLING' THEN 'CANCELLED' ELSE 'DONE' END,"
                        + " finished_at = ? WHERE run_id = ? AND state IN ('ACTIVE', 'CANCELLING')",
                now,
                runId);
    }

    /** Asks a run to stop (ACTIVE → CANCELLING): no new submissions, no replays; its running batches are cancelled. */
    public void requestCancel(String runId) {
        update("UPDATE keel_batch_run SET state = 'CANCELLING' WHERE run_id = ? AND state = 'ACTIVE'", runId);
    }

    // ---- chunks ----

    public List<ChunkRecord> chunks(String runId) {
        return query(
                "SELECT " + CHUNK_COLUMNS + " FROM keel_batch_chunk WHERE run_id = ? ORDER BY chunk_no",
                Ledger::chunk,
                runId);
    }

    public Optional<ChunkRecord> chunk(String runId, int chunkNo) {
        return query(
                        "SELECT " + CHUNK_COLUMNS + " FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                        Ledger::chunk,
                        runId,
                        chunkNo)
                .stream()
                .findFirst();
    }

    static ChunkRecord chunk(ResultSet rs) throws SQLException {
        return new ChunkRecord(
                rs.getString(1),
                rs.getInt(2),
                rs.getInt(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7),
                rs.getLong(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getDouble(11),
                ChunkState.valueOf(rs.getString(12)),
                rs.getString(13),
                rs.getString(14),
                rs.getString(15),
                rs.getString(16),
                rs.getString(17),
                rs.getLong(18),
                nullableLong(rs, 19),
                nullableLong(rs, 20),
                nullableLong(rs, 21),
                nullableLong(rs, 22),
                nullableInt(rs, 23),
                nullableInt(rs, 24),
                nullableDouble(rs, 25),
                nullableLong(rs, 26),
                rs.getLong(27),
                rs.getString(28),
                nullableLong(rs, 29));
    }

    /**
     * Leases the next chunk of {@code runId} (any active run when null) with work due at {@code now}:
     * not done, not held, not leased by a live worker, and — once submitted — due for a poll.
     * PostgreSQL skips rows other workers have locked ({@code FOR UPDATE SKIP LOCKED}); SQLite
     * serialises writers, so the select and update run in one immediate transaction. Every claim
     * bumps the chunk's lease generation; the record returned carries it ({@link
     * ChunkRecord#leaseGen()}), the fencing token of the create and submit moves.
     */
    public Optional<ChunkRecord> claim(String runId, String owner, long now, long leaseMillis) {
        String sql = "SELECT c.run_id, c.chunk_no FROM keel_batch_chunk c JOIN keel_batch_run r ON r.run_id = c.run_id"
                + " WHERE r.state IN ('ACTIVE', 'CANCELLING') AND (CAST(? AS VARCHAR(64)) IS NULL OR c.run_id = ?)"
                + " AND c.state NOT IN ('DONE', 'CANCELLED', 'REFUSED') AND c.hold_reason IS NULL"
                + " AND (c.lease_until IS NULL OR c.lease_until < ? OR c.lease_owner = ?)"
                + " AND (c.next_poll_at IS NULL OR c.next_poll_at <= ?)"
                + " ORDER BY c.run_id, c.chunk_no LIMIT 1"
                + (db.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE OF c SKIP LOCKED" : "");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                String run = null;
                int no = -1;
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    bind(p, runId, runId, now, owner, now);
                    try (ResultSet rs = p.executeQuery()) {
                        if (rs.next()) {
                            run = rs.getString(1);
                            no = rs.getInt(2);
                        }
                    }
                }
                if (run == null) {
                    c.commit();
                    return Optional.empty();
                }
                try (PreparedStatement p = c.prepareStatement(
                        "UPDATE keel_batch_chunk SET lease_owner = ?, lease_until = ?, lease_gen = lease_gen + 1"
                                + " WHERE run_id = ? AND chunk_no = ?")) {
                    bind(p, owner, now + leaseMillis, run, no);
                    p.executeUpdate();
                }
                c.commit();
                return chunk(run, no);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("claim a chunk", e);
        }
    }

    /**
     * Makes every submitted chunk of {@code batchId} due for its next poll at {@code now}: what a
     * verified batch webhook does, so the runner collects it at once instead of at its next poll.
     *
     * @return the chunks made due (0 when no chunk of this ledger has that batch)
     */
    public int pollDueNow(String batchId, long now) {
        return update(
                "UPDATE keel_batch_chunk SET next_poll_at = ? WHERE batch_id = ? AND state = 'SUBMITTED'"
                        + " AND (next_poll_at IS NULL OR next_poll_at > ?)",
                now,
                batchId,
                now);
    }

    /** Gives a chunk's lease back (only if {@code owner} still holds it). */
    public void release(String runId, int chunkNo, String owner) {
        update(
                "UPDATE keel_batch_chunk SET lease_owner = NULL, lease_until = NULL"
                        + " WHERE run_id = ? AND chunk_no = ? AND lease_owner = ?",
                runId,
                chunkNo,
                owner);
    }

    /**
     * Gives a chunk's lease back and sets when it is next due (after a retryable upstream failure);
     * its state is unchanged. Nothing happens when {@code owner} no longer holds it.
     */
    public void later(String runId, int chunkNo, String owner, long nextPollAt) {
        update(
                "UPDATE keel_batch_chunk SET next_poll_at = ?, lease_owner = NULL, lease_until = NULL"
                        + " WHERE run_id = ? AND chunk_no = ? AND lease_owner = ?",
                nextPollAt,
                runId,
                chunkNo,
                owner);
    }

    /**
     * Makes every open chunk of a run due now (its next poll is not waited for), e.g. when a command
     * resumes the run or an upstream notice says a batch ended.
     *
     * @return how many chunks were made due
     */
    public int makeDue(String runId) {
        return update("UPDATE keel_batch_chunk SET next_poll_at = NULL WHERE run_id = ?", runId);
    }

    /**
     * {@link ChunkMove#UPLOAD_BEGUN}: the intent to upload, recorded before the upload.
     *
     * @throws LeaseLostException when another worker took the chunk over
     * @throws IllegalChunkMoveException when the chunk is not PLANNED
     */
    public void beginUpload(String runId, int chunkNo, String owner, long now) {
        inTransaction(c -> {
            move(c, runId, chunkNo, owner, ChunkMove.UPLOAD_BEGUN, set("intent_at", now));
            return null;
        });
    }

    /**
     * {@link ChunkMove#UPLOADED}: the chunk's file is uploaded as {@code fileId}.
     *
     * @throws LeaseLostException when another worker took the chunk over
     * @throws IllegalChunkMoveException when the chunk is not UPLOADING
     */
    public void uploaded(String runId, int chunkNo, String owner, String fileId) {
        inTransaction(c -> {
            move(c, runId, chunkNo, owner, ChunkMove.UPLOADED, set("file_id", fileId));
            return null;
        });
    }

    /**
     * {@link ChunkMove#SUBMITTED}: the chunk's batch is {@code batchId}; its pending items are
     * submitted and its lease is given back until {@code nextPollAt}, in one transaction. Fenced:
     * applied only while {@code owner} holds the lease of generation {@code leaseGen}.
     *
     * @throws LeaseLostException when another worker (or another claim of this worker id) took the
     *     chunk over
     * @throws IllegalChunkMoveException when the chunk is not CREATING
     */
    public void submitted(
            String runId, int chunkNo, String owner, long leaseGen, String batchId, long now, long nextPollAt) {
        inTransaction(c -> {
            move(
                    c,
                    runId,
                    chunkNo,
                    owner,
                    leaseGen,
                    ChunkMove.SUBMITTED,
                    set(
                            "batch_id",
                            batchId,
                            "submitted_at",
                            now,
                            "next_poll_at",
                            nextPollAt,
                            "lease_owner",
                            null,
                            "lease_until",
                            null));
            markSubmitted(c, runId, chunkNo, now);
            return null;
        });
    }

    /**
     * {@link ChunkMove#POLLED}: the chunk's batch is still running with {@code batchStatus} and these
     * counts; the lease is given back until {@code nextPollAt}.
     *
     * @param fallbackAt when the batch was cancelled for the synchronous fallback, or null
     * @throws LeaseLostException when another worker took the chunk over
     * @throws IllegalChunkMoveException when the chunk is not SUBMITTED
     */
    public void polled(
            String runId,
            int chunkNo,
            String owner,
            String batchStatus,
            int doneCount,
            int failedCount,
            long nextPollAt,
            Long fallbackAt) {
        inTransaction(c -> {
            move(
                    c,
                    runId,
                    chunkNo,
                    owner,
                    ChunkMove.POLLED,
                    set(
                            "batch_status",
                            batchStatus,
                            "done_count",
                            doneCount,
                            "failed_count",
                            failedCount,
                            "next_poll_at",
                            nextPollAt,
                            "fallback_at",
                            fallbackAt,
                            "lease_owner",
                            null,
                            "lease_until",
                            null));
            return null;
        });
    }

    /**
     * Applies {@code move} and {@code assignments} ({@code column = ?} pairs) to a chunk {@code
     * owner} leases (any worker's when {@code owner} is null), inside the caller's transaction: one
     * conditional update on the lease and on the states the move starts from. When it changes no
     * row, the chunk is read in the same transaction to say why.
     *
     * @throws LeaseLostException when another worker took the chunk over
     * @throws IllegalChunkMoveException when the table does not allow the move from the chunk's state
     */
    static void move(
            Connection c, String runId, int chunkNo, String owner, ChunkMove move, Map<String, Object> assignments)
            throws SQLException {
        move(c, runId, chunkNo, owner, null, move, assignments);
    }

    /**
     * {@link #move(Connection, String, int, String, ChunkMove, Map)} fenced by a lease generation as
     * well: applied only while the chunk's {@code lease_gen} is still {@code leaseGen} (null: not
     * checked). A move out of CREATING forgets the create in flight ({@code create_owner}, {@code
     * create_until}).
     */
    static void move(
            Connection c,
            String runId,
            int chunkNo,
            String owner,
            Long leaseGen,
            ChunkMove move,
            Map<String, Object> assignments)
            throws SQLException {
        var sql = new StringBuilder("UPDATE keel_batch_chunk SET state = ?");
        var values = new ArrayList<>();
        values.add(move.to().name());
        for (var e : assignments.entrySet()) {
            sql.append(", ").append(e.getKey()).append(" = ?");
            values.add(e.getValue());
        }
        if (move.to() != ChunkState.CREATING) {
            sql.append(", create_owner = NULL, create_until = NULL");
        }
        sql.append(" WHERE run_id = ? AND chunk_no = ? AND state IN (")
                .append(move.fromSql())
                .append(")");
        values.add(runId);
        values.add(chunkNo);
        if (owner != null) {
            sql.append(" AND lease_owner = ?");
            values.add(owner);
        }
        if (leaseGen != null) {
            sql.append(" AND lease_gen = ?");
            values.add(leaseGen);
        }
        if (update(c, sql.toString(), values.toArray()) == 1) {
            return;
        }
        List<String[]> now = query(
                c,
                "SELECT state, lease_owner, lease_gen FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                rs -> new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))},
                runId,
                chunkNo);
        if (now.isEmpty()) {
            throw new IllegalStateException("run " + runId + " has no chunk " + chunkNo + " in the ledger");
        }
        if (owner != null && !owner.equals(now.get(0)[1])) {
            throw new LeaseLostException(runId, chunkNo, owner);
        }
        if (leaseGen != null && leaseGen != Long.parseLong(now.get(0)[2])) {
            throw new LeaseLostException(runId, chunkNo, owner, leaseGen, Long.parseLong(now.get(0)[2]));
        }
        throw new IllegalChunkMoveException(runId, chunkNo, ChunkState.valueOf(now.get(0)[0]), move);
    }

    /** Assignments in the order given. */
    static Map<String, Object> set(Object... columnsAndValues) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            m.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return m;
    }

    /** Clears (null) or sets the hold reason of every planned chunk of a run. */
    public void hold(String runId, int chunkNo, String reason) {
        update("UPDATE keel_batch_chunk SET hold_reason = ? WHERE run_id = ? AND chunk_no = ?", reason, runId, chunkNo);
    }

    /** Lifts every hold of a run so its chunks are tried again (e.g. after a ceiling was raised). */
    public int releaseHolds(String runId) {
        return update(
                "UPDATE keel_batch_chunk SET hold_reason = NULL WHERE run_id = ? AND hold_reason IS NOT NULL", runId);
    }

    /** The request lines of a chunk's items, in line order. */
    public List<String> chunkLines(String runId, int chunkNo) {
        return query(
                "SELECT line FROM keel_batch_item WHERE run_id = ? AND chunk_no = ? ORDER BY line_no",
                rs -> rs.getString(1),
                runId,
                chunkNo);
    }

    /** Marks a chunk's pending items submitted, inside a caller's transaction. */
    static void markSubmitted(Connection c, String runId, int chunkNo, long now) throws SQLException {
        update(
                c,
                "UPDATE keel_batch_item SET state = 'SUBMITTED', updated_at = ?"
                        + " WHERE run_id = ? AND chunk_no = ? AND state = 'PENDING'",
                now,
                runId,
                chunkNo);
    }

    /** The columns {@link #item} reads. */
    static final String ITEM_COLUMNS = "custom_id, line_no, line, est_in_tokens, est_out_tokens, state, replay_count,"
            + " error_code, error_class, error_message";

    static ItemRecord item(ResultSet rs) throws SQLException {
        return new ItemRecord(
                rs.getString(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getInt(5),
                ItemState.valueOf(rs.getString(6)),
                rs.getInt(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10));
    }

    /** The items whose current chunk is {@code chunkNo}, in line order. */
    public List<ItemRecord> chunkItems(String runId, int chunkNo) {
        return query(
                "SELECT " + ITEM_COLUMNS + " FROM keel_batch_item WHERE run_id = ? AND chunk_no = ? ORDER BY line_no",
                Ledger::item,
                runId,
                chunkNo);
    }

    /**
     * Applies an ended chunk (collected, forgotten, cancelled or refused: {@link
     * ChunkCompletion#move()}) in one transaction (see {@link ChunkCompletion}).
     *
     * @throws LeaseLostException when another worker took the chunk over; nothing is applied
     * @throws IllegalChunkMoveException when the table does not allow the move; nothing is applied
     */
    public void complete(ChunkCompletion d) {
        inTransaction(c -> {
            move(
                    c,
                    d.runId(),
                    d.chunkNo(),
                    d.owner(),
                    d.move(),
                    set(
                            "batch_status",
                            d.batchStatus(),
                            "finished_at",
                            d.now(),
                            "done_count",
                            d.doneCount(),
                            "failed_count",
                            d.failedCount(),
                            "actual_cost_usd",
                            d.actualCostUsd(),
                            "lease_owner",
                            null,
                            "lease_until",
                            null));
            upsertResults(c, d);
            applyFailures(c, d);
            if (d.replayChunk() != null) {
                PlanWriter.insertChunk(c, d.replayChunk());
                if (d.replayRoute() != null) {
                    update(
                            c,
                            "UPDATE keel_batch_chunk SET route = ? WHERE run_id = ? AND chunk_no = ?",
                            d.replayRoute(),
                            d.runId(),
                            d.replayChunk().chunkNo());
                }
            }
            if (d.spendDay() != null && d.spendDelta() != 0) {
                addSpend(c, d.spendDay(), d.spendDelta());
            }
            return null;
        });
    }

    static void upsertResults(Connection c, ChunkCompletion d) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("INSERT INTO keel_batch_result (run_id, custom_id, replay_count,"
                        + " status_code, body, batch_id, request_id, tier, input_tokens, cached_tokens, output_tokens,"
                        + " cost_usd, sync_cost_usd, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (run_id, custom_id) DO UPDATE SET replay_count = excluded.replay_count,"
                        + " status_code = excluded.status_code, body = excluded.body, batch_id = excluded.batch_id,"
                        + " request_id = excluded.request_id, tier = excluded.tier,"
                        + " input_tokens = excluded.input_tokens, cached_tokens = excluded.cached_tokens,"
                        + " output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd,"
                        + " sync_cost_usd = excluded.sync_cost_usd, completed_at = excluded.completed_at");
                PreparedStatement item = c.prepareStatement("UPDATE keel_batch_item SET state = 'SUCCEEDED',"
                        + " updated_at = ? WHERE run_id = ? AND custom_id = ?")) {
            for (var s : d.successes()) {
                bind(
                        up,
                        d.runId(),
                        s.customId(),
                        s.replayCount(),
                        s.statusCode(),
                        s.body(),
                        s.batchId(),
                        s.requestId(),
                        s.tier(),
                        s.inputTokens(),
                        s.cachedTokens(),
                        s.outputTokens(),
                        s.costUsd(),
                        s.syncCostUsd(),
                        d.now());
                up.addBatch();
                bind(item, d.now(), d.runId(), s.customId());
                item.addBatch();
            }
            up.executeBatch();
            item.executeBatch();
        }
    }

    static void applyFailures(Connection c, ChunkCompletion d) throws SQLException {
        int replayNo = d.replayChunk() == null ? -1 : d.replayChunk().chunkNo();
        try (PreparedStatement attempt = c.prepareStatement(
                        "INSERT INTO keel_batch_attempt (run_id, custom_id,"
                                + " replay_count, chunk_no, batch_id, status_code, code, class, message, at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, custom_id, replay_count) DO NOTHING");
                PreparedStatement replay = c.prepareStatement("UPDATE keel_batch_item SET state = 'PENDING',"
                        + " chunk_no = ?, replay_count = replay_count + 1, error_code = ?, error_class = ?,"
                        + " error_message = ?, updated_at = ? WHERE run_id = ? AND custom_id = ?");
                PreparedStatement fail = c.prepareStatement("UPDATE keel_batch_item SET state = 'FINAL_FAIL',"
                        + " error_code = ?, error_class = ?, error_message = ?, updated_at = ?"
                        + " WHERE run_id = ? AND custom_id = ?")) {
            for (var f : d.failures()) {
                bind(
                        attempt,
                        d.runId(),
                        f.customId(),
                        f.replayCount(),
                        d.chunkNo(),
                        f.batchId(),
                        f.statusCode(),
                        f.code(),
                        f.cls(),
                        f.message(),
                        d.now());
                attempt.addBatch();
                if (f.replay()) {
                    bind(replay, replayNo, f.code(), f.cls(), f.message(), d.now(), d.runId(), f.customId());
                    replay.addBatch();
                } else {
                    bind(fail, f.code(), f.cls(), f.message(), d.now(), d.runId(), f.customId());
                    fail.addBatch();
                }
            }
            attempt.executeBatch();
            replay.executeBatch();
            fail.executeBatch();
        }
    }

    // ---- spend ----

    /** USD a run has committed: estimates of chunks being created or running, real cost of finished ones. */
    public double committed(String runId) {
        return query(COMMITTED_SQL, rs -> rs.getDouble(1), runId, runId).get(0);
    }

    /** A run's committed cost: actual for collected chunks, the estimate for those being created or run. */
    private static final String COMMITTED_SQL =
            "SELECT COALESCE(SUM(CASE WHEN state = 'DONE' THEN COALESCE(actual_cost_usd, 0) ELSE est_cost_usd END), 0)"
                    // orphans the sweep cancelled count too (see Orphans)
                    + " + (SELECT COALESCE(SUM(cost_usd), 0) FROM keel_batch_orphan WHERE run_id = ?)"
                    + " FROM keel_batch_chunk WHERE run_id = ? AND state IN ('CREATING', 'SUBMITTED', 'DONE')";

    /** USD committed on {@code day} (UTC, yyyy-MM-dd) across runs. */
    public double spent(String day) {
        return query("SELECT committed_usd FROM keel_batch_spend WHERE day = ?", rs -> rs.getDouble(1), day).stream()
                .findFirst()
                .orElse(0.0);
    }

    static void addSpend(Connection c, String day, double delta) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO keel_batch_spend (day, committed_usd) VALUES (?, ?)"
                        + " ON CONFLICT (day) DO UPDATE SET committed_usd = keel_batch_spend.committed_usd + excluded.committed_usd")) {
            bind(p, day, delta);
            p.executeUpdate();
        }
    }

    /**
     * {@link ChunkMove#CREATE_BEGUN}: moves a leased chunk to CREATING and reserves its estimate in the day's spend, in one
     * transaction, so the daily cap counts it even if the process dies during the create call.
     *
     * <p>With a cap the check and the reservation are one conditional update of the day's row
     * ({@code committed + estimate <= cap}), so workers sharing the ledger can never pass the cap
     * together: PostgreSQL re-evaluates the condition on the row a concurrent reservation committed
     * (the row lock serialises them), and SQLite's immediate transactions serialise writers. The
     * chunk's row is locked first, as {@link #complete} does, so the two never wait on each other
     * in opposite orders.
     *
     * <p>With a run ceiling the run's row is locked next (an update that changes nothing), which
     * serialises the reservations of one run, and what the run has committed, this chunk included,
     * is counted after the lock: a reservation another worker committed first is in the count.
     *
     * <p>Fenced: applied only while {@code owner} holds the lease of generation {@code leaseGen}. The
     * chunk records who begins the create ({@code owner}) and until when its call can still land
     * upstream ({@code createUntil}), so a worker that takes the chunk over before then waits for it
     * instead of creating a second batch ({@link ChunkRecord#createUntil()}).
     *
     * @param leaseGen the generation the chunk was claimed under ({@link ChunkRecord#leaseGen()})
     * @param capUsd the daily cap, or null for none
     * @param maxCostUsd the run's cost ceiling, or null for none
     * @param createUntil until when the create call about to be made may land (epoch ms)
     * @throws LeaseLostException when another worker (or another claim of this worker id) took the
     *     chunk over; nothing is reserved
     * @throws IllegalChunkMoveException when the chunk is not UPLOADED; nothing is reserved
     */
    public Reservation beginCreate(
            String runId,
            int chunkNo,
            String owner,
            long leaseGen,
            String day,
            double estimate,
            Double capUsd,
            Double maxCostUsd,
            long now,
            long createUntil) {
        return inTransaction(c -> {
            move(
                    c,
                    runId,
                    chunkNo,
                    owner,
                    leaseGen,
                    ChunkMove.CREATE_BEGUN,
                    set("spend_day", day, "intent_at", now, "create_owner", owner, "create_until", createUntil));
            if (maxCostUsd != null) {
                update(c, "UPDATE keel_batch_run SET state = state WHERE run_id = ?", runId);
                double committed = query(c, COMMITTED_SQL, rs -> rs.getDouble(1), runId, runId)
                        .get(0);
                if (committed > maxCostUsd) {
                    c.rollback(); // the chunk stays where it was; the caller holds it
                    return new Reservation.OverRunCeiling(committed - estimate);
                }
            }
            if (capUsd == null) {
                addSpend(c, day, estimate);
                return new Reservation.Reserved();
            }
            update(
                    c,
                    "INSERT INTO keel_batch_spend (day, committed_usd) VALUES (?, 0) ON CONFLICT (day) DO NOTHING",
                    day);
            int reserved = update(
                    c,
                    "UPDATE keel_batch_spend SET committed_usd = committed_usd + ?"
                            + " WHERE day = ? AND committed_usd + ? <= ?",
                    estimate,
                    day,
                    estimate,
                    capUsd);
            if (reserved == 1) {
                return new Reservation.Reserved();
            }
            double committed = query(
                            c, "SELECT committed_usd FROM keel_batch_spend WHERE day = ?", rs -> rs.getDouble(1), day)
                    .get(0);
            c.rollback(); // the chunk stays where it was; the caller holds it
            return new Reservation.OverCap(committed);
        });
    }

    /**
     * Records that {@code owner} creates the batch of a CREATING chunk it took over (the create begun
     * before could no longer land and no batch was found): who, and until when this create can land.
     * Fenced like a move.
     *
     * @throws LeaseLostException when {@code owner} no longer holds the lease of generation {@code leaseGen}
     * @throws IllegalChunkMoveException when the chunk is not CREATING
     */
    public void createResumed(String runId, int chunkNo, String owner, long leaseGen, long createUntil) {
        inTransaction(c -> {
            int n = update(
                    c,
                    "UPDATE keel_batch_chunk SET create_owner = ?, create_until = ? WHERE run_id = ? AND chunk_no = ?"
                            + " AND state = 'CREATING' AND lease_owner = ? AND lease_gen = ?",
                    owner,
                    createUntil,
                    runId,
                    chunkNo,
                    owner,
                    leaseGen);
            if (n == 1) {
                return null;
            }
            ChunkRecord now = query(
                            c,
                            "SELECT " + CHUNK_COLUMNS + " FROM keel_batch_chunk WHERE run_id = ? AND chunk_no = ?",
                            Ledger::chunk,
                            runId,
                            chunkNo)
                    .get(0);
            if (now.state() != ChunkState.CREATING) {
                throw new IllegalChunkMoveException(runId, chunkNo, now.state(), ChunkMove.CREATE_BEGUN);
            }
            if (now.leaseGen() == leaseGen) {
                throw new LeaseLostException(runId, chunkNo, owner);
            }
            throw new LeaseLostException(runId, chunkNo, owner, leaseGen, now.leaseGen());
        });
    }

    /**
     * Forgets the create in flight of a CREATING chunk {@code owner} holds under {@code leaseGen}:
     * the upstream answered it with an error, so it made nothing and cannot land later. Nothing
     * happens when the chunk is no longer so held.
     */
    public void createEnded(String runId, int chunkNo, String owner, long leaseGen) {
        update(
                "UPDATE keel_batch_chunk SET create_until = NULL WHERE run_id = ? AND chunk_no = ?"
                        + " AND state = 'CREATING' AND lease_owner = ? AND lease_gen = ?",
                runId,
                chunkNo,
                owner,
                leaseGen);
    }

    // ---- items ----

    /** Item counts by state. */
    public Map<ItemState, Long> itemCounts(String runId) {
        var m = new LinkedHashMap<ItemState, Long>();
        for (ItemState s : ItemState.values()) {
            m.put(s, 0L);
        }
        query(
                "SELECT state, COUNT(*) FROM keel_batch_item WHERE run_id = ? GROUP BY state",
                rs -> m.put(ItemState.valueOf(rs.getString(1)), rs.getLong(2)),
                runId);
        return m;
    }

    // ---- plumbing ----

    /** Runs {@code work} in one transaction on one connection. */
    <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                T t = work.run(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("write the ledger", e);
        }
    }

    /** Work on a connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Reads one row. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (Connection c = db.connect()) {
            return query(c, sql, mapper, args);
        } catch (SQLException e) {
            throw failure("read the ledger", e);
        }
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            var out = new ArrayList<T>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        }
    }

    int update(String sql, Object... args) {
        try (Connection c = db.connect()) {
            return update(c, sql, args);
        } catch (SQLException e) {
            throw failure("write the ledger", e);
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        }
    }

    static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case null -> p.setNull(i + 1, Types.OTHER);
                case String s -> p.setString(i + 1, s);
                case Integer n -> p.setInt(i + 1, n);
                case Long n -> p.setLong(i + 1, n);
                case Double d -> p.setDouble(i + 1, d);
                case Enum<?> e -> p.setString(i + 1, e.name());
                default -> p.setObject(i + 1, a);
            }
        }
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    private static Double nullableDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("could not " + what + " in ledger " + db + ": " + e.getMessage(), e);
    }
}
