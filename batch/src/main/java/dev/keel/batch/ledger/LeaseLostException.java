package dev.keel.batch.ledger;

/** Another worker took a chunk over (this worker's lease expired); this worker must stop touching it. */
public final class LeaseLostException extends IllegalStateException {

    public LeaseLostException(String runId, int chunkNo, String owner) {
        super("chunk " + chunkNo + " of run " + runId + " is no longer leased by " + owner
                + " (its lease expired and another worker took it over)");
    }
}
