package dev.keel.batch.ledger;

/**
 * What {@link Ledger#beginCreate} did with a chunk's estimate: reserved it against the day's spend
 * and the run's ceiling (the chunk is now {@code CREATING}), or refused it because the run ceiling
 * or the daily cap would be crossed (nothing changed). Immutable.
 */
public sealed interface Reservation {

    /** The estimate is part of the day's committed spend and the chunk is {@code CREATING}. */
    record Reserved() implements Reservation {}

    /**
     * The estimate does not fit: {@code committedUsd} was already committed on the day, and adding
     * the estimate would pass the cap. The chunk and the spend are as they were.
     */
    record OverCap(double committedUsd) implements Reservation {}

    /**
     * The estimate does not fit the run: {@code committedUsd} was already committed by the run, and
     * adding the estimate would pass its ceiling ({@code --max-cost}). Nothing changed.
     */
    record OverRunCeiling(double committedUsd) implements Reservation {}
}
