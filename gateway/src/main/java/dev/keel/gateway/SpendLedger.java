package dev.keel.gateway;

import java.util.List;

/**
 * Running spend per key and period (a UTC day, a UTC month) in nano-USD, with an atomic
 * reserve-if-it-fits across every period of a call, so concurrent calls — on one process or on many
 * sharing the store — can never together pass a cap. Implementations: {@link MemorySpendLedger},
 * {@link RedisSpendLedger}, {@link JdbcSpendLedger}. Thread-safe.
 */
public interface SpendLedger extends AutoCloseable {

    /**
     * One capped period of a key's spend.
     *
     * @param name e.g. {@code day:2026-12-02} or {@code month:2026-12}
     * @param capNanos the cap in nano-USD
     * @param ttlSeconds how long the counter must outlive its period
     */
    record Period(String name, long capNanos, long ttlSeconds) {}

    /**
     * Adds {@code nanos} to the key's counter for every period in {@code periods} if each stays within
     * its cap; otherwise adds nothing.
     *
     * @return whether it was added
     */
    boolean reserve(String keyId, List<Period> periods, long nanos);

    /** Adds {@code deltaNanos} (negative to give back) to the key's counter of every period. */
    void adjust(String keyId, List<Period> periods, long deltaNanos);

    /** The key's spend so far in {@code period}, in nano-USD. */
    long spent(String keyId, String period);

    @Override
    default void close() {}
}
