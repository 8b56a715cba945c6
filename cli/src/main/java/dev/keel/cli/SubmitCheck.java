package dev.keel.cli;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.Ledger;
import java.util.List;

/** What {@code keel batch submit} left behind: whether it submitted nothing it should have. Stateless. */
final class SubmitCheck {

    private SubmitCheck() {}

    /**
     * Whether chunks wait to be submitted (open, not held) and not one of the run's chunks has a batch:
     * the upstream took nothing, so the command must not report success.
     */
    static boolean nothingSubmitted(Ledger ledger, String runId) {
        List<ChunkRecord> chunks = ledger.chunks(runId);
        boolean anyBatch = chunks.stream().anyMatch(c -> c.batchId() != null);
        return waiting(chunks) && !anyBatch;
    }

    /** Whether a chunk of {@code runId} waits to be submitted: open, not yet submitted, not held by a ceiling. */
    static boolean waiting(Ledger ledger, String runId) {
        return waiting(ledger.chunks(runId));
    }

    private static boolean waiting(List<ChunkRecord> chunks) {
        return chunks.stream()
                .anyMatch(c -> c.state().open() && c.state() != ChunkState.SUBMITTED && c.holdReason() == null);
    }
}
