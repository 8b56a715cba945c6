package dev.keel.batch.ledger;

import java.util.Optional;

/**
 * Where a run's batches live, as the ledger records it: {@link #SANDBOX} for the embedded emulator,
 * else the upstream's base URL. It marks sandbox output as such wherever it lands, and it keeps a
 * run on the kind of upstream it started on: the emulator's files and batches are unknown to a
 * real upstream, and emulated answers must never be mixed into a real run. Stateless; thread-safe.
 */
public final class RunUpstream {

    /** The label of the embedded emulator. */
    public static final String SANDBOX = "sandbox";

    private RunUpstream() {}

    /** The run's upstream, or empty for a run that has none recorded yet (or none at all). */
    public static Optional<String> of(Ledger ledger, String runId) {
        return ledger
                .query(
                        "SELECT upstream FROM keel_batch_run WHERE run_id = ?",
                        rs -> Optional.ofNullable(rs.getString(1)),
                        runId)
                .stream()
                .findFirst()
                .flatMap(o -> o);
    }

    /** Whether the run was driven against the embedded emulator. */
    public static boolean sandbox(Ledger ledger, String runId) {
        return of(ledger, runId).map(SANDBOX::equals).orElse(false);
    }

    /**
     * Records {@code upstream} for the run (the newest URL wins for a real upstream).
     *
     * @throws IllegalArgumentException when the run was driven against the sandbox and {@code
     *     upstream} is a real one, or the reverse, saying what to do
     */
    public static void bind(Ledger ledger, String runId, String upstream) {
        Optional<String> before = of(ledger, runId);
        if (before.isPresent() && SANDBOX.equals(before.get()) != SANDBOX.equals(upstream)) {
            boolean wasSandbox = SANDBOX.equals(before.get());
            throw new IllegalArgumentException("run " + runId + " was started against "
                    + (wasSandbox ? "the embedded emulator (sandbox)" : before.get())
                    + " and cannot be resumed against "
                    + (wasSandbox ? upstream : "the embedded emulator (sandbox)")
                    + ": its files and batches live there, and emulated and real answers must not mix."
                    + (wasSandbox
                            ? " Plan the file as a new run with --new-run to run it for real."
                            : " Set OPENAI_API_KEY (or --base-url " + before.get() + ") to resume it."));
        }
        ledger.update("UPDATE keel_batch_run SET upstream = ? WHERE run_id = ?", upstream, runId);
    }
}
