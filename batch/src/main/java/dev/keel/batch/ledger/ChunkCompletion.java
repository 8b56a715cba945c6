package dev.keel.batch.ledger;

import java.util.List;

/**
 * Everything that ending one chunk changes, applied by {@link Ledger#complete} in one transaction:
 * the chunk has made {@code move} ({@link ChunkMove#COLLECTED} when its batch was collected, {@link
 * ChunkMove#FORGOTTEN} when the upstream forgot it twice, {@link ChunkMove#CANCELLED} or {@link
 * ChunkMove#REFUSED} when it never got one), every item has moved on exactly once, the replay chunk
 * (if any) exists and the day's spend is corrected — or nothing changed at all. {@code replayRoute}
 * pins the replay chunk's route ({@code batch}: through the Batch API whatever the run's route);
 * null lets it follow the run's.
 */
public record ChunkCompletion(
        String runId,
        int chunkNo,
        String owner,
        ChunkMove move,
        String batchStatus,
        long now,
        List<Success> successes,
        List<Failure> failures,
        ChunkRecord replayChunk,
        int doneCount,
        int failedCount,
        double actualCostUsd,
        String spendDay,
        double spendDelta,
        String replayRoute) {

    /** A completion whose replay chunk (if any) follows the run's route. */
    public ChunkCompletion(
            String runId,
            int chunkNo,
            String owner,
            ChunkMove move,
            String batchStatus,
            long now,
            List<Success> successes,
            List<Failure> failures,
            ChunkRecord replayChunk,
            int doneCount,
            int failedCount,
            double actualCostUsd,
            String spendDay,
            double spendDelta) {
        this(
                runId,
                chunkNo,
                owner,
                move,
                batchStatus,
                now,
                successes,
                failures,
                replayChunk,
                doneCount,
                failedCount,
                actualCostUsd,
                spendDay,
                spendDelta,
                null);
    }

    /** A 200 result for the sink. */
    public record Success(
            String customId,
            int replayCount,
            int statusCode,
            String body,
            String batchId,
            String requestId,
            String tier,
            long inputTokens,
            long cachedTokens,
            long outputTokens,
            double costUsd,
            double syncCostUsd) {}

    /** A failed attempt; {@code replay} moves the item to the replay chunk, otherwise it is final. */
    public record Failure(
            String customId,
            int replayCount,
            String batchId,
            String code,
            String cls,
            Integer statusCode,
            String message,
            boolean replay) {}
}
