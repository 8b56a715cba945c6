package dev.keel.batch.ledger;

/** What a try to claim a run came to (see {@link RunClaims#claim}). */
public sealed interface RunClaim {

    /** The run was free (or already this process's): this process drives it now. */
    record Claimed() implements RunClaim {}

    /**
     * The run was held by a process that is gone: its lease lapsed, or it was on this host and its
     * pid is dead. This process drives it now.
     *
     * @param previous the former holder
     * @param holderDead whether the holder was seen dead on this host (its chunk leases are freed at once)
     */
    record TookOver(ClaimHolder previous, boolean holderDead) implements RunClaim {}

    /** Another live process drives the run; nothing was changed. */
    record Busy(ClaimHolder holder) implements RunClaim {}
}
