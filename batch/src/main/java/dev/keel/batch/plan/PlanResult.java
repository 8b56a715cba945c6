package dev.keel.batch.plan;

import java.math.BigDecimal;
import java.util.List;

/**
 * What planning did.
 *
 * @param accepted whether the run was recorded (false: problems and no {@code --skip-invalid}, or no requests)
 * @param items the accepted items, reused ones included
 * @param problems the first {@link Planner#MAX_LISTED_PROBLEMS} problems, in line order
 * @param problemCount all problems found
 * @param estBatchUsd the estimated cost at Batch API prices (input exact, output at its bound)
 * @param estSyncUsd the same work at synchronous prices
 * @param reused items answered from earlier runs' results for the same request (not submitted)
 * @param changed the first {@link Planner#MAX_LISTED_CHANGES} custom_ids an earlier run had with a
 *     different request (submitted again), as warnings
 * @param changedCount all such custom_ids
 */
public record PlanResult(
        String runId,
        boolean accepted,
        long lines,
        long items,
        List<InputProblem> problems,
        long problemCount,
        int chunks,
        long estInputTokens,
        long estOutputTokens,
        BigDecimal estBatchUsd,
        BigDecimal estSyncUsd,
        long reused,
        List<InputProblem> changed,
        long changedCount) {

    /** Whether the input was refused for holding no request at all (empty, or only blank lines). */
    public boolean noRequests() {
        return !accepted && problemCount == 1 && problems.get(0).reason().equals(Planner.NO_REQUESTS);
    }
}
