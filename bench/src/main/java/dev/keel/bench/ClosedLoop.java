package dev.keel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load generator: N workers on virtual threads each send one request, wait for its
 * answer, and send the next, until a deadline; requests in flight at the deadline are allowed to
 * finish. Thread-safe: every {@link #run} is independent.
 */
final class ClosedLoop {

    /** At most this many latency samples are kept per run, shared among the workers (8 bytes each). */
    private static final int MAX_SAMPLES = 4_000_000;

    /** One request and its answer; returns the HTTP status, any 2xx meaning success. */
    @FunctionalInterface
    interface Exchange {
        int send() throws Exception;
    }

    /**
     * What one run measured; latencies in milliseconds, {@code firstError} null when there was none.
     * Immutable, so thread-safe.
     */
    record Result(
            int concurrency,
            long requests,
            long errors,
            Duration elapsed,
            double p50Millis,
            double p99Millis,
            String firstError) {

        /** Answered requests per second over the whole run, in-flight tail included. */
        double perSecond() {
            return requests / (elapsed.toNanos() / 1e9);
        }

        /** Requests answered 2xx. */
        long successes() {
            return requests - errors;
        }

        /** 2xx answers per second over the whole run, in-flight tail included. */
        double successesPerSecond() {
            return successes() / (elapsed.toNanos() / 1e9);
        }
    }

    private ClosedLoop() {}

    /**
     * Warms up for {@code settings.warmup()} (skipped when zero) and forgets what it saw, then
     * measures for {@code settings.measure()}; blocks until the workers of both runs have stopped.
     */
    static Result warmThenMeasure(int concurrency, Settings settings, Exchange exchange) throws InterruptedException {
        if (!settings.warmup().isZero()) {
            run(concurrency, settings.warmup(), exchange);
        }
        return run(concurrency, settings.measure(), exchange);
    }

    /** Runs {@code concurrency} workers sending {@code exchange} for {@code duration}; blocks until all stop. */
    static Result run(int concurrency, Duration duration, Exchange exchange) throws InterruptedException {
        var firstError = new AtomicReference<String>();
        var futures = new ArrayList<Future<WorkerStats>>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                futures.add(executor.submit(() -> work(exchange, deadline, MAX_SAMPLES / concurrency, firstError)));
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return summarize(concurrency, elapsed, collect(futures), firstError.get());
    }

    private static WorkerStats work(
            Exchange exchange, long deadline, int capacity, AtomicReference<String> firstError) {
        var stats = new WorkerStats(capacity);
        while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            long begin = System.nanoTime();
            String error = attempt(exchange);
            stats.record(System.nanoTime() - begin, error == null);
            if (error != null) {
                firstError.compareAndSet(null, error);
            }
        }
        return stats;
    }

    /** Sends once; returns null on a 2xx answer, else what went wrong. */
    private static String attempt(Exchange exchange) {
        try {
            int status = exchange.send();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static List<WorkerStats> collect(List<Future<WorkerStats>> futures) throws InterruptedException {
        var all = new ArrayList<WorkerStats>();
        for (Future<WorkerStats> future : futures) {
            try {
                all.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a load worker failed: " + e.getCause(), e.getCause());
            }
        }
        return all;
    }

    private static Result summarize(int concurrency, Duration elapsed, List<WorkerStats> workers, String error) {
        long requests = workers.stream().mapToLong(WorkerStats::requests).sum();
        long errors = workers.stream().mapToLong(WorkerStats::errors).sum();
        long[] sorted = workers.stream()
                .map(WorkerStats::samples)
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        return new Result(
                concurrency, requests, errors, elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99), error);
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN when there are none. */
    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
