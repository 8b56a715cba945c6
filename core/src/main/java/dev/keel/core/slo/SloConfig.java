package dev.keel.core.slo;

import java.time.Duration;

/**
 * The availability objective calls are held to.
 *
 * @param target the share of calls that must succeed, in (0, 1) (default 0.995)
 * @param period the period the objective spans (default 28 days)
 */
public record SloConfig(double target, Duration period) {

    /** @throws IllegalArgumentException when the target is outside (0, 1) or the period under an hour */
    public SloConfig {
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("SLO target must be within (0, 1), e.g. 0.995, got " + target);
        }
        if (period.compareTo(Duration.ofHours(6)) < 0) {
            throw new IllegalArgumentException(
                    "SLO period must be at least 6 h (the longest burn window), got " + period);
        }
    }

    /** 99.5 % over 28 days. */
    public static SloConfig ofDefaults() {
        return new SloConfig(0.995, Duration.ofDays(28));
    }
}
