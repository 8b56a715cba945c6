package dev.keel.core.policy;

import dev.keel.core.internal.policy.SlidingCounts;
import dev.keel.wire.time.Ticker;
import java.time.Duration;

/**
 * Caps retries at a share of recent calls, with a floor of a few retries per second, so that when
 * the upstream fails everything, retries add at most ~10 % load instead of multiplying it. Each
 * logical call deposits; each retry withdraws. A retry is allowed while either
 *
 * <ul>
 *   <li>the retries of the last {@code ttl} stay below {@code retryRatio·calls} of the last {@code
 *       ttl} (the share), or
 *   <li>the retries of the last {@value #FLOOR_SECONDS} seconds stay below {@code
 *       minRetriesPerSecond·}{@value #FLOOR_SECONDS} (the floor: a rate, so a quiet client's single
 *       call can still make its two retries, but a burst of calls failing together cannot spend ten
 *       seconds' worth of floor at once).
 * </ul>
 *
 * Every retry counts against both, so the floor tops the share up to {@code minRetriesPerSecond}
 * rather than adding to it: during a total outage retries run at {@code max(retryRatio·call rate,
 * minRetriesPerSecond)} (see docs/decisions.md). Counts live in one-second buckets on an injected
 * {@link Ticker}. Thread-safe: calls are counted without a lock; withdrawals are serialised so the
 * budget is never overdrawn.
 */
public final class RetryBudget {

    /** The floor is measured over this many seconds (so a single call can make two retries at once). */
    public static final int FLOOR_SECONDS = 2;

    private final RetryBudgetConfig config;
    private final Ticker ticker;
    private final SlidingCounts calls;
    private final SlidingCounts retries;

    public RetryBudget(RetryBudgetConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        this.calls = new SlidingCounts(config.ttl(), Duration.ofSeconds(1));
        this.retries = new SlidingCounts(
                config.ttl().compareTo(Duration.ofSeconds(FLOOR_SECONDS)) >= 0
                        ? config.ttl()
                        : Duration.ofSeconds(FLOOR_SECONDS),
                Duration.ofSeconds(1));
    }

    /** Records one logical call. */
    public void deposit() {
        calls.add(ticker.read(), false);
    }

    /** Takes one retry from the budget; false (and nothing taken) when it is spent. */
    public synchronized boolean tryWithdraw() {
        long now = ticker.read();
        if (available(now) < 1) {
            return false;
        }
        retries.add(now, false);
        return true;
    }

    /** Retries that may still be made now: the larger of what the share and the floor leave. */
    public double available() {
        return available(ticker.read());
    }

    private double available(long now) {
        int window = (int) config.ttl().toSeconds();
        double share = config.retryRatio() * calls.total(now, window) - retries.total(now, window);
        double floor = (double) config.minRetriesPerSecond() * FLOOR_SECONDS - retries.total(now, FLOOR_SECONDS);
        return Math.max(share, floor);
    }

    public RetryBudgetConfig config() {
        return config;
    }
}
