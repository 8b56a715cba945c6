package dev.keel.batch.ledger;

/**
 * Where a chunk is. Each state before {@link #SUBMITTED} records an intent before the upstream side
 * effect it names, so a restart reconciles instead of repeating it.
 *
 * <pre>
 * PLANNED ─▶ UPLOADING ─▶ UPLOADED ─▶ CREATING ─▶ SUBMITTED ─▶ DONE
 *    │            └──(upload refused 4xx)─┴─(create refused 4xx)─▶ REFUSED
 *    └──────────────(keel batch cancel)────────────────┴──▶ CANCELLED / DONE
 * </pre>
 */
public enum ChunkState {
    /** Written to the run folder and the ledger; not uploaded (a held chunk has a hold reason). */
    PLANNED,
    /** About to upload (or uploading) its file: on restart, look for the file before uploading again. */
    UPLOADING,
    /** Its file is uploaded ({@code file_id} recorded). */
    UPLOADED,
    /** About to create (or creating) its batch: on restart, look for the batch by metadata first. */
    CREATING,
    /** Its batch exists ({@code batch_id} recorded) and is polled on a schedule. */
    SUBMITTED,
    /** Its batch ended and every item was routed. */
    DONE,
    /** Cancelled before it was submitted. */
    CANCELLED,
    /**
     * The upstream refused its upload or its batch creation for good (a 4xx such as 400 or 413): no
     * batch exists, its items were routed as failures, and the other chunks of the run go on.
     */
    REFUSED;

    /** Whether a worker still has something to do for it. */
    public boolean open() {
        return this != DONE && this != CANCELLED && this != REFUSED;
    }
}
