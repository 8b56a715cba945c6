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
            String firstError,
            double cpuMicrosPerRequest) {

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
        var tally = new Tally(concurrency);
        tally.add(duration, exchange);
        return tally.result();
    }

    /**
     * Several runs of one client added together: its requests, errors, time, this process's CPU time
     * and latency samples, so that short runs interleaved with other clients' runs make one result.
     * Not thread-safe: the thread that runs the slices owns it.
     */
    static final class Tally {

        /**
         * One run's own figures: 2xx answers per second, latency percentiles in milliseconds, and
         * this process's CPU microseconds per request. Immutable, so thread-safe.
         */
        record Slice(double successesPerSecond, double p50Millis, double p99Millis, double cpuMicrosPerRequest) {}

        private final int concurrency;
        private final List<long[]> samples = new ArrayList<>();
        private final List<Slice> slices = new ArrayList<>();
        private long requests;
        private long errors;
        private long elapsedNanos;
        private long cpuNanos;
        private String firstError;

        Tally(int concurrency) {
            this.concurrency = concurrency;
        }

        /** Runs the workers for {@code duration} and adds what they saw; blocks until all of them stop. */
        void add(Duration duration, Exchange exchange) throws InterruptedException {
            var error = new AtomicReference<String>();
            var futures = new ArrayList<Future<WorkerStats>>();
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < concurrency; i++) {
                    futures.add(executor.submit(() -> work(exchange, deadline, MAX_SAMPLES / concurrency, error)));
                }
            }
            long elapsed = System.nanoTime() - start;
            long cpu = processCpuNanos() - cpuBefore;
            elapsedNanos += elapsed;
            cpuNanos += cpu;
            long sliceRequests = 0;
            long sliceErrors = 0;
            var sliceSamples = new ArrayList<long[]>();
            for (WorkerStats stats : collect(futures)) {
                sliceRequests += stats.requests();
                sliceErrors += stats.errors();
                sliceSamples.add(stats.samples());
            }
            requests += sliceRequests;
            errors += sliceErrors;
            samples.addAll(sliceSamples);
            long[] sorted =
                    sliceSamples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            slices.add(new Slice(
                    (sliceRequests - sliceErrors) / (elapsed / 1e9),
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.99),
                    sliceRequests == 0 ? Double.NaN : cpu / 1e3 / sliceRequests));
            if (firstError == null) {
                firstError = error.get();
            }
        }

        /** Each run added so far, in order. */
        List<Slice> slices() {
            return List.copyOf(slices);
        }

        /** Everything added so far as one result; percentiles over all kept samples. */
        Result result() {
            long[] sorted =
                    samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(
                    concurrency,
                    requests,
                    errors,
                    Duration.ofNanos(elapsedNanos),
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.99),
                    firstError,
                    requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests);
        }
    }

    /** This JVM's CPU time so far (all threads: the load workers, the client's own, JIT and GC). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
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

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN when there are none. */
    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
