package dev.keel.structured.rollout;

/**
 * An automatic rollback: why the canary was dropped to 0 %. Immutable.
 *
 * @param version the version the canary was getting
 * @param canaryPercent the canary percent before the rollback
 * @param canaryBadRate the canary's compat + summary share over its window
 * @param baselineBadRate the baseline's compat + summary share over its window
 * @param canarySamples decodes in the canary's window
 * @param baselineSamples decodes in the baseline's window
 * @param margin the configured margin that was exceeded
 */
public record RollbackEvent(
        String version,
        int canaryPercent,
        double canaryBadRate,
        double baselineBadRate,
        int canarySamples,
        int baselineSamples,
        double margin) {

    /** One sentence for logs and {@code /debug/config}. */
    public String reason() {
        return String.format(
                java.util.Locale.ROOT,
                "canary %s at %d%%: compat+summary rate %.1f%% over %d decodes exceeds the baseline's %.1f%% over %d"
                        + " by more than %.1f points; canary set to 0%%",
                version,
                canaryPercent,
                canaryBadRate * 100,
                canarySamples,
                baselineBadRate * 100,
                baselineSamples,
                margin * 100);
    }
}
