package dev.keel.batch.ledger;

/**
 * A batch found upstream with keel's metadata for a run that no chunk owned. Immutable.
 *
 * @param batchId the upstream batch
 * @param runId the run its metadata names
 * @param chunkNo the chunk its metadata names, or null when unreadable
 * @param action {@code cancelled} (asked upstream to stop), {@code ended} (found already ended upstream:
 *     nothing left to stop) or {@code adopted} (became its chunk's batch)
 * @param status the batch's status when found
 * @param costUsd what it is counted at in the run's cost and the day's spend (a cancelled or ended orphan: its
 *     chunk's estimate, the most it can cost; an adopted one: 0 here, as its chunk counts it)
 * @param foundAt when it was found (epoch ms)
 */
public record OrphanRecord(
        String batchId, String runId, Integer chunkNo, String action, String status, double costUsd, long foundAt) {

    public static final String CANCELLED = "cancelled";
    public static final String ENDED = "ended";
    public static final String ADOPTED = "adopted";
}
