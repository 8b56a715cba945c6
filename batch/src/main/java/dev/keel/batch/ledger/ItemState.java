package dev.keel.batch.ledger;

/** Where an item is; {@link #SUCCEEDED}, {@link #FINAL_FAIL} and {@link #REUSED} are terminal. */
public enum ItemState {
    /** In a chunk that has not been submitted yet (first pass or a replay). */
    PENDING,
    /** In a submitted batch. */
    SUBMITTED,
    /** A 200 result is in the sink. */
    SUCCEEDED,
    /** Failed for good (non-retryable, replays used up, or cancelled): in the manual queue. */
    FINAL_FAIL,
    /**
     * Answered, without a submission, by the result of the same request in an earlier run of the
     * ledger (an edited input run again); the result is in the sink like any other.
     */
    REUSED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FINAL_FAIL || this == REUSED;
    }
}
