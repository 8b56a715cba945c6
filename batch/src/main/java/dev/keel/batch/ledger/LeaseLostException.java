package dev.keel.batch.ledger;

/**
 * Another worker took a chunk over (this worker's lease expired, or the chunk was claimed again under
 * a newer lease generation); this worker must stop touching it. Nothing of the refused move was applied.
 */
public final class LeaseLostException extends IllegalStateException {

    public LeaseLostException(String runId, int chunkNo, String owner) {
        super("chunk " + chunkNo + " of run " + runId + " is no longer leased by " + owner
                + " (its lease expired and another worker took it over)");
    }

    /** The owner still matches, but the chunk was claimed again since: {@code held} is not {@code now}. */
    public LeaseLostException(String runId, int chunkNo, String owner, long held, long now) {
        super("chunk " + chunkNo + " of run " + runId + " is no longer leased by " + owner + " under lease generation "
                + held + " (it was claimed again since, generation " + now + ": another process with the same"
                + " worker id, or a lease that expired and was taken again)");
    }
}
