package dev.keel.batch.ledger;

/**
 * What {@link Ledger#beginCreate} did with a chunk's estimate: reserved it against the day's spend
 * (the chunk is now {@code CREATING}), or refused it because the daily cap would be crossed (nothing
 * changed). Immutable.
 */
public sealed interface Reservation {

    /** The estimate is part of the day's committed spend and the chunk is {@code CREATING}. */
    record Reserved() implements Reservation {}

    /**
     * The estimate does not fit: {@code committedUsd} was already committed on the day, and adding
     * the estimate would pass the cap. The chunk and the spend are as they were.
     */
    record OverCap(double committedUsd) implements Reservation {}
}
