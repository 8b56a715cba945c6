package dev.keel.batch;

import java.time.Duration;

/**
 * When a {@link BatchQueue} flushes, and how much offline-safe work it takes.
 *
 * @param maxItems flush when this many items wait (default 500; 1–50,000)
 * @param window flush when the oldest waiting item has waited this long (default 15 min)
 * @param canaryPercent the sticky share of offline-safe tasks sent to batch (0–100); the rest stay on
 *     the synchronous path. Start at 5 and grow it as replays stay stable.
 */
public record BatchQueueConfig(int maxItems, Duration window, int canaryPercent) {

    /** @throws IllegalArgumentException for a value out of range, naming it */
    public BatchQueueConfig {
        if (maxItems < 1 || maxItems > 50_000) {
            throw new IllegalArgumentException("maxItems must be between 1 and 50000, was " + maxItems);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new IllegalArgumentException("canaryPercent must be between 0 and 100, was " + canaryPercent);
        }
    }

    /** 500 items, 15 minutes, 5 % canary. */
    public static BatchQueueConfig ofDefaults() {
        return new BatchQueueConfig(500, Duration.ofMinutes(15), 5);
    }

    public BatchQueueConfig withCanaryPercent(int p) {
        return new BatchQueueConfig(maxItems, window, p);
    }
}
