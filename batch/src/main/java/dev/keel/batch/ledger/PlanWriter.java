package dev.keel.batch.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Records a new run in one transaction: the run, each item as it is read (the unique key on {@code
 * (run_id, custom_id)} is the run-wide duplicate check, so memory stays flat however large the
 * input), and each chunk as it closes. Nothing is visible to workers until {@link #commit}. Not
 * thread-safe.
 *
 * <p>Items go to the ledger in JDBC batches of {@value #BATCH} inserts. A fixed-size filter of the
 * {@code custom_id}s seen so far (a Bloom filter, {@value #FILTER_BYTES} bytes whatever the input's
 * size) tells a certainly-new id, which joins the batch, from one that may have been seen: for that
 * one the batch is written first and the id is inserted alone, so the unique key still gives the
 * exact answer, and a duplicate is reported at its own line.
 *
 * <p>A full batch is written behind: one writer thread executes it while the caller fills the next
 * (two statements take turns), so reading and writing the ledger overlap. At most one batch is in
 * flight, and every other use of the connection (a single insert, a look-up, a chunk, the commit)
 * first waits for it. While a batch is in flight only the writer thread talks to the database; the
 * caller meanwhile only binds parameters of the other statement, which the SQLite and PostgreSQL
 * drivers keep in memory until the statement executes.
 *
 * <p>An item answered from an earlier run ({@link #reused}) joins the same batch, and the copy of its
 * result is written by the writer thread right after the batch's items. What earlier runs hold for
 * a line is read through {@link History}, on connections of its own, so looking up the ledger's
 * history never waits for a write.
 */
public final class PlanWriter implements AutoCloseable {

    private static final String INSERT_ITEM = "INSERT INTO keel_batch_item (run_id, custom_id, line_no, chunk_no, line,"
            + " est_in_tokens, est_out_tokens, state, replay_count, updated_at, request_hash)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (custom_id, run_id) DO NOTHING";

    /** Copies run {@code ?2}'s result for a custom_id as this run's {@code ?1}, costing nothing here. */
    private static final String COPY_RESULT = "INSERT INTO keel_batch_result (run_id, custom_id, replay_count,"
            + " status_code, body, batch_id, request_id, tier, input_tokens, cached_tokens, output_tokens, cost_usd,"
            + " sync_cost_usd, completed_at, reused_from) SELECT ?, custom_id, replay_count, status_code, body, batch_id,"
            + " request_id, tier, input_tokens, cached_tokens, output_tokens, 0, 0, completed_at,"
            + " COALESCE(reused_from, run_id) FROM keel_batch_result WHERE run_id = ? AND custom_id = ?";

    /** The chunk number of reused items: they are in no chunk (chunks count from 1). */
    public static final int NO_CHUNK = 0;

    private final Ledger ledger;
    private final Connection c;
    private final PreparedStatement insertItem;
    private final PreparedStatement[] insertItems = new PreparedStatement[2];
    private final PreparedStatement[] copyResults = new PreparedStatement[2];
    private int filling;
    private long firstPendingLine;
    private long lastPendingLine;
    private final ExecutorService writes;
    private Future<int[]> written;
    private String writtenLines;
    private final String runId;
    private boolean done;

    /** SQLite's page cache for the plan's connection (this connection only; it closes with the plan). */
    static final int PLAN_CACHE_KIB = 64 * 1024;

    /** Inserts per JDBC batch. */
    static final int BATCH = 500;

    /** The size of the seen-ids filter: 2^24 bits. */
    static final int FILTER_BYTES = 1 << 21;

    private static final int PROBES = 4;
    private final long[] seen = new long[FILTER_BYTES / 8];
    private int pending;

    PlanWriter(Ledger ledger, String runId) throws SQLException {
        this.ledger = ledger;
        this.runId = runId;
        // A plan inserts every item into its indexes; SQLite's default 2 MB page cache would make a
        // million-line plan re-read index pages it had a moment ago.
        this.c = ledger.database().connect(PLAN_CACHE_KIB);
        c.setAutoCommit(false);
        this.insertItem = c.prepareStatement(INSERT_ITEM);
        this.insertItems[0] = c.prepareStatement(INSERT_ITEM);
        this.insertItems[1] = c.prepareStatement(INSERT_ITEM);
        this.copyResults[0] = c.prepareStatement(COPY_RESULT);
        this.copyResults[1] = c.prepareStatement(COPY_RESULT);
        this.writes = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keel-plan-writer-" + runId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens a plan transaction for {@code runId}. */
    public static PlanWriter open(Ledger ledger, String runId) {
        try {
            return new PlanWriter(ledger, runId);
        } catch (SQLException e) {
            throw ledger.failure("start planning run " + runId, e);
        }
    }

    /**
     * Records an item; false when the run already has this {@code custom_id} (a duplicate line).
     */
    public boolean item(String customId, long lineNo, int chunkNo, String line, int estIn, int estOut, long now) {
        return item(customId, lineNo, chunkNo, line, estIn, estOut, now, null);
    }

    /** {@link #item} with the item's request hash (see {@code RequestReuse}). */
    public boolean item(
            String customId, long lineNo, int chunkNo, String line, int estIn, int estOut, long now, String hash) {
        try {
            long h = hash64(customId);
            if (!maybeSeen(h)) {
                markSeen(h);
                PreparedStatement batch = insertItems[filling];
                Ledger.bind(batch, runId, customId, lineNo, chunkNo, line, estIn, estOut, "PENDING", now, hash);
                batch.addBatch();
                added(lineNo);
                return true;
            }
            flush();
            Ledger.bind(insertItem, runId, customId, lineNo, chunkNo, line, estIn, estOut, "PENDING", now, hash);
            return insertItem.executeUpdate() == 1;
        } catch (SQLException e) {
            throw ledger.failure("record item " + customId + " (line " + lineNo + ")", e);
        }
    }

    /** Counts an insert just added to the batch of line {@code lineNo}; a full batch goes to the writer. */
    private void added(long lineNo) throws SQLException {
        if (pending++ == 0) {
            firstPendingLine = lineNo;
        }
        lastPendingLine = lineNo;
        if (pending == BATCH) {
            writeBehind();
        }
    }

    /** Hands the filled batch to the writer thread, once the one before it is written. */
    private void writeBehind() throws SQLException {
        awaitWritten();
        PreparedStatement batch = insertItems[filling];
        PreparedStatement copy = copyResults[filling]; // empty unless the batch has reused items
        writtenLines = "lines " + firstPendingLine + "-" + lastPendingLine;
        written = writes.submit(() -> {
            int[] counts = batch.executeBatch();
            copy.executeBatch();
            return counts;
        });
        filling ^= 1;
        pending = 0;
    }

    /** Waits for the batch in flight, if any, and checks what it wrote. */
    private void awaitWritten() throws SQLException {
        if (written == null) {
            return;
        }
        int[] counts;
        try {
            counts = written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while recording items (" + writtenLines + ")", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException q
                    ? new SQLException("cannot record items (" + writtenLines + "): " + q.getMessage(), q)
                    : new SQLException("cannot record items (" + writtenLines + "): " + e.getCause(), e.getCause());
        } finally {
            written = null;
        }
        for (int n : counts) {
            if (n == 0) { // the filter said new, the ledger had it: only an earlier plan of this run id
                throw new IllegalStateException("run " + runId + " already has items in the ledger; plan it as a new"
                        + " run (--new-run) instead of planning the same run id again");
            }
        }
    }

    /** Writes every batched insert and waits for them: the connection is then the caller's alone. */
    private void flush() throws SQLException {
        if (pending > 0) {
            writeBehind();
        }
        awaitWritten();
    }

    private boolean maybeSeen(long h) {
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1;
        for (int i = 0; i < PROBES; i++) {
            int bit = (h1 + i * h2) & (FILTER_BYTES * 8 - 1);
            if ((seen[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    private void markSeen(long h) {
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1;
        for (int i = 0; i < PROBES; i++) {
            int bit = (h1 + i * h2) & (FILTER_BYTES * 8 - 1);
            seen[bit >>> 6] |= 1L << bit;
        }
    }

    /** FNV-1a over the UTF-16 units, then a finaliser so both halves are usable. */
    private static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Records an item answered by run {@code fromRun}'s result for the same request: the item is
     * {@link ItemState#REUSED}, in no chunk, and its result row is a copy costing nothing in this run;
     * false when the run already has this {@code custom_id}.
     */
    public boolean reused(String customId, long lineNo, String line, String hash, String fromRun, long now) {
        try {
            long h = hash64(customId);
            if (!maybeSeen(h)) {
                markSeen(h);
                Ledger.bind(insertItems[filling], runId, customId, lineNo, NO_CHUNK, line, 0, 0, "REUSED", now, hash);
                insertItems[filling].addBatch();
                Ledger.bind(copyResults[filling], runId, fromRun, customId);
                copyResults[filling].addBatch();
                added(lineNo);
                return true;
            }
            flush();
            Ledger.bind(insertItem, runId, customId, lineNo, NO_CHUNK, line, 0, 0, "REUSED", now, hash);
            if (insertItem.executeUpdate() != 1) {
                return false;
            }
            Ledger.update(c, COPY_RESULT, runId, fromRun, customId);
            return true;
        } catch (SQLException e) {
            throw ledger.failure("reuse the result of " + customId + " (line " + lineNo + ") from run " + fromRun, e);
        }
    }

    /** The line where the run first had {@code customId}. */
    public long firstLine(String customId) {
        try (PreparedStatement p =
                c.prepareStatement("SELECT line_no FROM keel_batch_item WHERE run_id = ? AND custom_id = ?")) {
            flush();
            Ledger.bind(p, runId, customId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw ledger.failure("look up custom_id " + customId, e);
        }
    }

    /** Records a closed chunk. */
    public void chunk(ChunkRecord r) {
        try {
            awaitWritten();
            insertChunk(c, r);
        } catch (SQLException e) {
            throw ledger.failure("record chunk " + r.chunkNo(), e);
        }
    }

    static void insertChunk(Connection c, ChunkRecord r) throws SQLException {
        Ledger.update(
                c,
                "INSERT INTO keel_batch_chunk (run_id, chunk_no, round, url, model, file_name, items, bytes,"
                        + " est_in_tokens, est_out_tokens, est_cost_usd, state, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PLANNED', ?)",
                r.runId(),
                r.chunkNo(),
                r.round(),
                r.url(),
                r.model(),
                r.fileName(),
                r.items(),
                r.bytes(),
                r.estInputTokens(),
                r.estOutputTokens(),
                r.estCostUsd(),
                r.createdAt());
    }

    /** Records the run itself and commits everything. */
    public void commit(RunRecord run) {
        try {
            flush();
            Ledger.update(
                    c,
                    "INSERT INTO keel_batch_run (run_id, created_at, input_file, input_sha256, run_dir, config, state,"
                            + " items, rejected) VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)",
                    run.runId(),
                    run.createdAt(),
                    run.inputFile(),
                    run.inputSha256(),
                    run.runDir(),
                    run.config(),
                    run.items(),
                    run.rejected());
            c.commit();
            done = true;
        } catch (SQLException e) {
            throw ledger.failure("commit the plan of run " + runId, e);
        }
    }

    /** Rolls back unless committed, and closes. */
    @Override
    public void close() {
        try {
            try {
                if (written != null) {
                    written.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // Already reported where it was awaited, or moot: the plan is rolled back.
            } finally {
                writes.shutdownNow();
            }
            if (!done) {
                c.rollback();
            }
            insertItem.close();
            insertItems[0].close();
            insertItems[1].close();
            copyResults[0].close();
            copyResults[1].close();
            c.close();
        } catch (SQLException e) {
            throw ledger.failure("close the plan of run " + runId, e);
        }
    }
}
