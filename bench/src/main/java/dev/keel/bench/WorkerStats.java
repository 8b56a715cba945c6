package dev.keel.bench;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one load worker saw: how many requests, how many failed, and their latencies in nanoseconds.
 *
 * <p>Memory is bounded: past {@code capacity} requests it keeps a uniform random sample of that size
 * (reservoir sampling), so percentiles stay unbiased on long runs. Not thread-safe: one worker owns
 * it; read it only after the worker has finished.
 */
final class WorkerStats {

    private static final int INITIAL_SIZE = 1024;

    private final int capacity;
    private long[] samples;
    private int size;
    private long requests;
    private long errors;

    WorkerStats(int capacity) {
        this.capacity = capacity;
        this.samples = new long[Math.min(capacity, INITIAL_SIZE)];
    }

    /** Records one finished request: its latency and whether it succeeded. */
    void record(long nanos, boolean ok) {
        requests++;
        if (!ok) {
            errors++;
        }
        if (size < capacity) {
            append(nanos);
        } else {
            long slot = ThreadLocalRandom.current().nextLong(requests);
            if (slot < capacity) {
                samples[(int) slot] = nanos;
            }
        }
    }

    long requests() {
        return requests;
    }

    long errors() {
        return errors;
    }

    /** The kept latencies, in no particular order. */
    long[] samples() {
        return Arrays.copyOf(samples, size);
    }

    private void append(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, Math.min(capacity, samples.length * 2));
        }
        samples[size++] = nanos;
    }
}
