package dev.keel.batch.plan;

import java.math.BigDecimal;
import java.util.List;

/**
 * What planning did.
 *
 * @param accepted whether the run was recorded (false: problems and no {@code --skip-invalid})
 * @param problems the first {@link Planner#MAX_LISTED_PROBLEMS} problems, in line order
 * @param problemCount all problems found
 * @param estBatchUsd the estimated cost at Batch API prices (input exact, output at its bound)
 * @param estSyncUsd the same work at synchronous prices
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
        BigDecimal estSyncUsd) {}
