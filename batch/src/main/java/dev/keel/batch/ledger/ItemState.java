package dev.keel.batch.ledger;

/** Where an item is; {@link #SUCCEEDED} and {@link #FINAL_FAIL} are terminal. */
public enum ItemState {
    /** In a chunk that has not been submitted yet (first pass or a replay). */
    PENDING,
    /** In a submitted batch. */
    SUBMITTED,
    /** A 200 result is in the sink. */
    SUCCEEDED,
    /** Failed for good (non-retryable, replays used up, or cancelled): in the manual queue. */
    FINAL_FAIL;

    public boolean terminal() {
        return this == SUCCEEDED || this == FINAL_FAIL;
    }
}
