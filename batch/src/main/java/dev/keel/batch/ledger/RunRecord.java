package dev.keel.batch.ledger;

/** A run as the ledger holds it. */
public record RunRecord(
        String runId,
        long createdAt,
        String inputFile,
        String inputSha256,
        String runDir,
        String config,
        RunState state,
        long items,
        long rejected,
        Long finishedAt) {

    /** Whether a cancel was asked for (the run is being, or was, cancelled). */
    public boolean cancelling() {
        return state == RunState.CANCELLING;
    }
}
