package dev.keel.batch.ledger;

/**
 * A chunk as the ledger holds it: its plan, its state, and its batch once created. Immutable.
 *
 * @param leaseGen the chunk's lease generation: bumped by every claim, so a record returned by {@link
 *     Ledger#claim} names the lease it was claimed under (the fencing token its create and submit moves
 *     carry)
 * @param createOwner the worker that began the chunk's batch creation (CREATING), or null
 * @param createUntil until when that creation can still land upstream (its call's deadline plus one
 *     per-call timeout), or null when none is in flight or it was answered
 */
public record ChunkRecord(
        String runId,
        int chunkNo,
        int round,
        String url,
        String model,
        String fileName,
        int items,
        long bytes,
        long estInputTokens,
        long estOutputTokens,
        double estCostUsd,
        ChunkState state,
        String holdReason,
        String fileId,
        String batchId,
        String batchStatus,
        String spendDay,
        long createdAt,
        Long intentAt,
        Long submittedAt,
        Long finishedAt,
        Long nextPollAt,
        Integer doneCount,
        Integer failedCount,
        Double actualCostUsd,
        Long fallbackAt,
        long leaseGen,
        String createOwner,
        Long createUntil) {

    /** A new planned chunk. */
    public static ChunkRecord planned(
            String runId,
            int chunkNo,
            int round,
            String url,
            String model,
            String fileName,
            int items,
            long bytes,
            long estIn,
            long estOut,
            double estCost,
            long now) {
        return new ChunkRecord(
                runId,
                chunkNo,
                round,
                url,
                model,
                fileName,
                items,
                bytes,
                estIn,
                estOut,
                estCost,
                ChunkState.PLANNED,
                null,
                null,
                null,
                null,
                null,
                now,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                null);
    }
}
