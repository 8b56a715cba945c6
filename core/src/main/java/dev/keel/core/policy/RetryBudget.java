package dev.keel.core.policy;

import java.time.Duration;

/**
 * Caps retries at a share of recent calls, with a small floor, so that when the upstream fails
 * everything, retries add at most ~10 % load instead of multiplying it. Each logical call deposits;
 * each retry withdraws; the balance over the last {@code ttl} is {@code max(minRetriesPerSecond·ttl,
 * retryRatio·calls) − retries}: the floor lets a quiet client retry, and is not added on top of the
 * ratio once traffic is high enough to earn more (docs/decisions.md D22). Counts live in one-second
 * buckets on an injected {@link Ticker}. Thread-safe.
 */
public final class RetryBudget {

    private final RetryBudgetConfig config;
    private final Ticker ticker;
    private final SlidingCounts calls;
    private final SlidingCounts retries;

    public RetryBudget(RetryBudgetConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        this.calls = new SlidingCounts(config.ttl(), Duration.ofSeconds(1));
        this.retries = new SlidingCounts(config.ttl(), Duration.ofSeconds(1));
    }

    /** Records one logical call. */
    public synchronized void deposit() {
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

    /** Retries that may still be made now. */
    public synchronized double available() {
        return available(ticker.read());
    }

    private double available(long now) {
        double floor = config.minRetriesPerSecond() * (double) config.ttl().toSeconds();
        double allowance = Math.max(floor, config.retryRatio() * calls.totals(now)[0]);
        return allowance - retries.totals(now)[0];
    }

    public RetryBudgetConfig config() {
        return config;
    }
}
