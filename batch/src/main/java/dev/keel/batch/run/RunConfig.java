package dev.keel.batch.run;

import java.time.Duration;
import java.util.Objects;

/**
 * How a run is driven.
 *
 * @param pollInterval time between two polls of a running batch (a schedule, not a retry)
 * @param maxReplays replays of a retryable failure before it goes to the manual queue (default 3)
 * @param maxCostUsd the run's ceiling in USD, or null for none
 * @param dailyCapUsd the ceiling per UTC day across runs, or null for none
 * @param latencyTolerance how late results may arrive (1h, 6h or 24h in the recipe; default 24h)
 * @param syncFallback whether items still unfinished near the tolerance are cancelled and sent
 *     through the synchronous pipeline at sync prices
 * @param lease how long a worker owns a chunk it works on before another may take it over
 * @param workerId who holds leases: unique per process (the CLI passes a {@link
 *     dev.keel.batch.ledger.WorkerIdentity}, {@code host:pid:nonce}); a rerun after a crash gets its
 *     chunks back at once by taking the run over from the dead holder (see {@link
 *     dev.keel.batch.ledger.RunClaims})
 * @param listPageSize the page size of the file and batch lists a restart reads to reconcile (1 to
 *     100), or null for the largest pages the API serves (10,000 files, 100 batches); every page is
 *     read either way
 */
public record RunConfig(
        Duration pollInterval,
        int maxReplays,
        Double maxCostUsd,
        Double dailyCapUsd,
        Duration latencyTolerance,
        boolean syncFallback,
        Duration lease,
        String workerId,
        Integer listPageSize) {

    /** @throws IllegalArgumentException for a value out of range, naming the option */
    public RunConfig {
        Objects.requireNonNull(workerId, "workerId");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("--poll-interval must be positive, was " + pollInterval);
        }
        if (maxReplays < 0 || maxReplays > 10) {
            throw new IllegalArgumentException("--max-replays must be between 0 and 10, was " + maxReplays);
        }
        if (maxCostUsd != null && !(Double.isFinite(maxCostUsd) && maxCostUsd >= 0)) {
            throw new IllegalArgumentException("--max-cost must be a finite amount >= 0 USD, was " + maxCostUsd);
        }
        if (dailyCapUsd != null && !(Double.isFinite(dailyCapUsd) && dailyCapUsd >= 0)) {
            throw new IllegalArgumentException("--daily-cap must be a finite amount >= 0 USD, was " + dailyCapUsd);
        }
        if (latencyTolerance.compareTo(Duration.ofMinutes(10)) < 0
                || latencyTolerance.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException(
                    "--latency-tolerance must be between 10m and 24h (the Batch API's window), was "
                            + latencyTolerance);
        }
        if (listPageSize != null && (listPageSize < 1 || listPageSize > 100)) {
            throw new IllegalArgumentException("listPageSize must be between 1 and 100, was " + listPageSize);
        }
        if (lease.compareTo(pollInterval) <= 0) {
            throw new IllegalArgumentException("--lease (" + lease + ") must be longer than --poll-interval ("
                    + pollInterval + "), or other workers take chunks over while they are being worked on");
        }
    }

    public static RunConfig ofDefaults() {
        return new RunConfig(
                Duration.ofSeconds(30),
                3,
                null,
                null,
                Duration.ofHours(24),
                false,
                Duration.ofMinutes(2),
                "local",
                null);
    }

    public RunConfig withPollInterval(Duration d) {
        return new RunConfig(
                d, maxReplays, maxCostUsd, dailyCapUsd, latencyTolerance, syncFallback, lease, workerId, listPageSize);
    }

    public RunConfig withMaxCost(Double usd) {
        return new RunConfig(
                pollInterval,
                maxReplays,
                usd,
                dailyCapUsd,
                latencyTolerance,
                syncFallback,
                lease,
                workerId,
                listPageSize);
    }

    public RunConfig withDailyCap(Double usd) {
        return new RunConfig(
                pollInterval,
                maxReplays,
                maxCostUsd,
                usd,
                latencyTolerance,
                syncFallback,
                lease,
                workerId,
                listPageSize);
    }

    public RunConfig withSyncFallback(boolean on, Duration tolerance) {
        return new RunConfig(
                pollInterval, maxReplays, maxCostUsd, dailyCapUsd, tolerance, on, lease, workerId, listPageSize);
    }

    public RunConfig withWorker(String id, Duration leaseFor) {
        return new RunConfig(
                pollInterval,
                maxReplays,
                maxCostUsd,
                dailyCapUsd,
                latencyTolerance,
                syncFallback,
                leaseFor,
                id,
                listPageSize);
    }

    public RunConfig withMaxReplays(int n) {
        return new RunConfig(
                pollInterval,
                n,
                maxCostUsd,
                dailyCapUsd,
                latencyTolerance,
                syncFallback,
                lease,
                workerId,
                listPageSize);
    }

    /** Reads reconciliation lists in pages of {@code size} (1 to 100) instead of the API's largest. */
    public RunConfig withListPageSize(Integer size) {
        return new RunConfig(
                pollInterval,
                maxReplays,
                maxCostUsd,
                dailyCapUsd,
                latencyTolerance,
                syncFallback,
                lease,
                workerId,
                size);
    }
}
