package dev.keel.batch.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * Who drives a run: one claim row per run in the ledger, so a second {@code keel batch run} (or
 * {@code submit}, {@code collect}, {@code cancel}) of a run another live process drives submits
 * nothing. A claim is taken, renewed, checked and taken over inside one ledger transaction: on
 * PostgreSQL the row is locked ({@code FOR UPDATE}) and the take-over is conditional on the former
 * owner; SQLite's immediate transactions serialise writers.
 *
 * <p>The rules, in order: no row, or a row of this worker: claimed. A holder whose lease lapsed
 * ({@code lease_until < now}): taken over. A holder on this host whose pid is dead: taken over at
 * once, and its chunk leases of the run are freed (and the creates it had in flight forgotten, see
 * {@link ChunkRecord#createUntil()}), so a rerun after a crash goes on without waiting.
 * Any other holder: busy. Thread-safe.
 */
public final class RunClaims {

    private static final String COLUMNS = "run_id, owner, host, pid, command, claimed_at, lease_until";

    private final Ledger ledger;
    private final LongPredicate pidAlive;

    /**
     * @param pidAlive whether a pid on this host is alive (tests pass their own; {@link #SYSTEM_PIDS}
     *     asks the operating system)
     */
    public RunClaims(Ledger ledger, LongPredicate pidAlive) {
        this.ledger = ledger;
        this.pidAlive = pidAlive;
    }

    /** Asks the operating system whether a pid on this host is alive. */
    public static final LongPredicate SYSTEM_PIDS =
            pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);

    /** Claims {@code runId} for {@code me} until {@code now + leaseMillis}, following the rules above. */
    public RunClaim claim(String runId, WorkerIdentity me, String command, long now, long leaseMillis) {
        return ledger.inTransaction(c -> {
            int inserted = Ledger.update(
                    c,
                    "INSERT INTO keel_batch_run_claim (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (run_id) DO NOTHING",
                    runId,
                    me.id(),
                    me.host(),
                    me.pid(),
                    command,
                    now,
                    now + leaseMillis);
            if (inserted == 1) {
                return new RunClaim.Claimed();
            }
            ClaimHolder h = locked(c, runId);
            if (h.owner().equals(me.id())) {
                Ledger.update(
                        c,
                        "UPDATE keel_batch_run_claim SET lease_until = ? WHERE run_id = ? AND owner = ?",
                        now + leaseMillis,
                        runId,
                        me.id());
                return new RunClaim.Claimed();
            }
            boolean dead = deadOnThisHost(h, me);
            if (!dead && !lapsed(h, now)) {
                return new RunClaim.Busy(h);
            }
            int taken = Ledger.update(
                    c,
                    "UPDATE keel_batch_run_claim SET owner = ?, host = ?, pid = ?, command = ?, claimed_at = ?,"
                            + " lease_until = ? WHERE run_id = ? AND owner = ?",
                    me.id(),
                    me.host(),
                    me.pid(),
                    command,
                    now,
                    now + leaseMillis,
                    runId,
                    h.owner());
            if (taken != 1) {
                return new RunClaim.Busy(locked(c, runId));
            }
            if (dead) {
                Ledger.update(
                        c,
                        "UPDATE keel_batch_chunk SET lease_owner = NULL, lease_until = NULL"
                                + " WHERE run_id = ? AND lease_owner = ?",
                        runId,
                        h.owner());
                // its create in flight died with it: the next holder reconciles at once, without waiting
                Ledger.update(
                        c,
                        "UPDATE keel_batch_chunk SET create_until = NULL WHERE run_id = ? AND create_owner = ?",
                        runId,
                        h.owner());
            }
            return new RunClaim.TookOver(h, dead);
        });
    }

    /** Whether a holder's lease lapsed at {@code now}. */
    static boolean lapsed(ClaimHolder h, long now) {
        return h.leaseUntil() < now;
    }

    private boolean deadOnThisHost(ClaimHolder h, WorkerIdentity me) {
        return h.host().equals(me.host()) && h.pid() != me.pid() && !pidAlive.test(h.pid());
    }

    private ClaimHolder locked(Connection c, String runId) throws SQLException {
        String lock = ledger.database().dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE" : "";
        return Ledger.query(
                        c,
                        "SELECT " + COLUMNS + " FROM keel_batch_run_claim WHERE run_id = ?" + lock,
                        RunClaims::holder,
                        runId)
                .get(0);
    }

    /**
     * Extends {@code owner}'s claim of {@code runId} to {@code now + leaseMillis}.
     *
     * @return false when the claim is no longer {@code owner}'s (another process took it over)
     */
    public boolean renew(String runId, String owner, long now, long leaseMillis) {
        return ledger.update(
                        "UPDATE keel_batch_run_claim SET lease_until = ? WHERE run_id = ? AND owner = ?",
                        now + leaseMillis,
                        runId,
                        owner)
                == 1;
    }

    /** Gives the claim back (only if {@code owner} still holds it). */
    public void release(String runId, String owner) {
        ledger.update("DELETE FROM keel_batch_run_claim WHERE run_id = ? AND owner = ?", runId, owner);
    }

    /** The process holding {@code runId}, if any. */
    public Optional<ClaimHolder> holder(String runId) {
        List<ClaimHolder> rows = ledger.query(
                "SELECT " + COLUMNS + " FROM keel_batch_run_claim WHERE run_id = ?", RunClaims::holder, runId);
        return rows.stream().findFirst();
    }

    private static ClaimHolder holder(java.sql.ResultSet rs) throws SQLException {
        return new ClaimHolder(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getLong(7));
    }

    /**
     * Extends every chunk lease {@code owner} holds to {@code now + leaseMillis} (the chunks it is
     * working on: a finished step gives its lease back).
     *
     * @return how many leases were renewed
     */
    public int renewChunkLeases(String owner, long now, long leaseMillis) {
        return ledger.update(
                "UPDATE keel_batch_chunk SET lease_until = ? WHERE lease_owner = ? AND lease_until IS NOT NULL",
                now + leaseMillis,
                owner);
    }
}
