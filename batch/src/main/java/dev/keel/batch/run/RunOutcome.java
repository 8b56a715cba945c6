package dev.keel.batch.run;

import java.util.List;

/** How driving a run ended. */
public sealed interface RunOutcome {

    /** Every item reached a terminal state ({@code failed} of them are in the manual queue). */
    record Finished(String runId, long succeeded, long failed, boolean cancelled) implements RunOutcome {}

    /**
     * A cost ceiling stopped submission: {@code heldItems} items stay pending with {@code reasons}.
     */
    record Held(String runId, long heldItems, List<String> reasons) implements RunOutcome {}
}
