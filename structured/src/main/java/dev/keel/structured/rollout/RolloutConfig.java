package dev.keel.structured.rollout;

import dev.keel.structured.decode.CompatFallback;
import java.time.Duration;
import java.util.Objects;

/**
 * The structured-output rollout: which schema version new traffic gets, how much of it, and how
 * outputs are decoded. Immutable; validated when built.
 *
 * @param schemaVersion the version under rollout ({@code STRUCTURED_OUTPUT_SCHEMA_VERSION}); the
 *     canary gets it; null means the newest registered version
 * @param baselineVersion what the rest of the traffic gets; null means the version registered just
 *     before {@code schemaVersion} (or {@code schemaVersion} itself when there is none)
 * @param canaryPercent 0–100: the share of routing keys that get {@code schemaVersion}
 *     ({@code STRUCTURED_OUTPUT_CANARY_PERCENT})
 * @param compatFallback what follows a failed strict decode ({@code STRUCTURED_OUTPUT_COMPAT_FALLBACK})
 * @param autoRollback when the canary is rolled back by itself
 * @param reloadInterval how often the config file is checked for changes while running
 */
public record RolloutConfig(
        String schemaVersion,
        String baselineVersion,
        int canaryPercent,
        CompatFallback compatFallback,
        AutoRollbackConfig autoRollback,
        Duration reloadInterval) {

    /** @throws IllegalArgumentException when the canary percent is outside 0–100 or the interval not positive */
    public RolloutConfig {
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new IllegalArgumentException(
                    "STRUCTURED_OUTPUT_CANARY_PERCENT must be an integer within 0-100, got " + canaryPercent);
        }
        Objects.requireNonNull(compatFallback, "compatFallback");
        Objects.requireNonNull(autoRollback, "autoRollback");
        if (reloadInterval == null || reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("reload_interval must be positive, got " + reloadInterval);
        }
    }

    /** Newest version, no canary, compat fallback on, auto rollback on, reload every 5 s. */
    public static RolloutConfig ofDefaults() {
        return new RolloutConfig(
                null, null, 0, CompatFallback.ON, AutoRollbackConfig.ofDefaults(), Duration.ofSeconds(5));
    }

    public RolloutConfig withSchemaVersion(String v) {
        return new RolloutConfig(v, baselineVersion, canaryPercent, compatFallback, autoRollback, reloadInterval);
    }

    public RolloutConfig withBaselineVersion(String v) {
        return new RolloutConfig(schemaVersion, v, canaryPercent, compatFallback, autoRollback, reloadInterval);
    }

    public RolloutConfig withCanaryPercent(int p) {
        return new RolloutConfig(schemaVersion, baselineVersion, p, compatFallback, autoRollback, reloadInterval);
    }

    public RolloutConfig withCompatFallback(CompatFallback f) {
        return new RolloutConfig(schemaVersion, baselineVersion, canaryPercent, f, autoRollback, reloadInterval);
    }

    public RolloutConfig withAutoRollback(AutoRollbackConfig a) {
        return new RolloutConfig(schemaVersion, baselineVersion, canaryPercent, compatFallback, a, reloadInterval);
    }

    public RolloutConfig withReloadInterval(Duration d) {
        return new RolloutConfig(schemaVersion, baselineVersion, canaryPercent, compatFallback, autoRollback, d);
    }
}
