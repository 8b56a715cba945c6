package dev.keel.structured.rollout;

/**
 * When the canary is rolled back automatically. Immutable.
 *
 * @param enabled whether to watch at all
 * @param margin how far the canary's compat + summary rate may exceed the baseline's, as a fraction
 *     (0.05 = five percentage points), before the canary drops to 0 %
 * @param minSamples decodes each arm needs in the window before the rates are compared
 * @param window how many of each arm's most recent decodes are compared
 */
public record AutoRollbackConfig(boolean enabled, double margin, int minSamples, int window) {

    /**
     * @throws IllegalArgumentException when margin is outside (0, 1], minSamples below 1, or the
     *     window smaller than minSamples
     */
    public AutoRollbackConfig {
        if (!(margin > 0 && margin <= 1)) {
            throw new IllegalArgumentException("auto_rollback.margin must be within (0, 1], got " + margin);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("auto_rollback.min_samples must be at least 1, got " + minSamples);
        }
        if (window < minSamples) {
            throw new IllegalArgumentException(
                    "auto_rollback.window (" + window + ") must be at least min_samples (" + minSamples + ")");
        }
    }

    /** On; margin 5 percentage points; 200 samples per arm; window 1,000. */
    public static AutoRollbackConfig ofDefaults() {
        return new AutoRollbackConfig(true, 0.05, 200, 1000);
    }

    public static AutoRollbackConfig disabled() {
        return new AutoRollbackConfig(false, 0.05, 200, 1000);
    }
}
