package dev.keel.batch;

/**
 * Builds {@code custom_id}s that stay the same across replays.
 *
 * <p>{@code ts} must be the task's first enqueue time, kept with the task and reused for every
 * replay: a replay time would give the replayed line a new id and defeat the unique key on results.
 */
public final class CustomIds {

    private CustomIds() {}

    /**
     * {@code bizKey + "-" + ts}.
     *
     * @throws IllegalArgumentException if {@code bizKey} is blank or {@code ts} negative
     */
    public static String build(String bizKey, long ts) {
        if (bizKey == null || bizKey.isBlank()) {
            throw new IllegalArgumentException("bizKey must not be blank");
        }
        if (ts < 0) {
            throw new IllegalArgumentException("ts must be >= 0 (the task's first enqueue time), was " + ts);
        }
        return bizKey + "-" + ts;
    }
}
