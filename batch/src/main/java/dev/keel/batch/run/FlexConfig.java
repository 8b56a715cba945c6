package dev.keel.batch.run;

import java.time.Duration;
import java.util.Objects;

/**
 * The route of a run and how its flex lane works.
 *
 * @param route batch, flex, or auto (chosen per run by {@link #choose})
 * @param fallback where an item goes after flex kept answering 429 past the retry budget
 * @param concurrency flex calls in flight at once (1 to 256; default 16)
 * @param callTimeout one flex attempt's cap (default 15 minutes, OpenAI's guidance for flex)
 */
public record FlexConfig(BatchRoute route, FlexFallback fallback, int concurrency, Duration callTimeout) {

    /** What {@link #choose} plans for one flex call when it sizes a run: one minute. */
    public static final Duration PLANNED_CALL = Duration.ofMinutes(1);

    /** @throws IllegalArgumentException for a value out of range, naming the option */
    public FlexConfig {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(callTimeout, "callTimeout");
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("--flex-concurrency must be between 1 and 256, was " + concurrency);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("--flex-timeout must be positive, was " + callTimeout);
        }
    }

    /** The Batch API route, flex fallback to batch, 16 flex calls at once, 15-minute flex calls. */
    public static FlexConfig ofDefaults() {
        return new FlexConfig(BatchRoute.BATCH, FlexFallback.BATCH, 16, Duration.ofMinutes(15));
    }

    public FlexConfig withRoute(BatchRoute r) {
        return new FlexConfig(r, fallback, concurrency, callTimeout);
    }

    /**
     * The route of a run of {@code items} items with {@code tolerance}: {@code route} unless it is
     * auto; auto is flex when the tolerance is below the Batch API's 24-hour window, every model of
     * the run has a flex price, and the flex lane can finish the run in half the tolerance at one
     * minute per call ({@code items / concurrency * 1 min <= tolerance / 2}); otherwise batch.
     */
    public BatchRoute choose(long items, Duration tolerance, boolean flexPriced) {
        if (route != BatchRoute.AUTO) {
            return route;
        }
        boolean fits =
                Math.ceilDiv(Math.max(items, 1), concurrency) * PLANNED_CALL.toMillis() <= tolerance.toMillis() / 2;
        return tolerance.compareTo(Duration.ofHours(24)) < 0 && flexPriced && fits ? BatchRoute.FLEX : BatchRoute.BATCH;
    }
}
