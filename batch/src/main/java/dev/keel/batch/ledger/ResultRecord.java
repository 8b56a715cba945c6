package dev.keel.batch.ledger;

/**
 * A row of the result sink: the 200 answer of one {@code custom_id}.
 *
 * @param tier {@code BATCH} for a line the Batch API ran, {@code STANDARD} for one the synchronous
 *     pipeline ran
 * @param reusedFrom the run whose batch produced a reused result, or null for this run's own
 */
public record ResultRecord(
        String customId,
        int statusCode,
        int replayCount,
        String batchId,
        String requestId,
        String tier,
        double costUsd,
        String body,
        String reusedFrom) {}
