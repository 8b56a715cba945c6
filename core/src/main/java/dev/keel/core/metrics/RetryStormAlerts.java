package dev.keel.core.metrics;

import dev.keel.core.error.KeelException;
import dev.keel.core.internal.policy.SlidingCounts;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.RetryDecision;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retry-storm alerts of recipe A5, evaluated in process from the pipeline's events: {@code
 * retryStorm} when the retries of the last 5 minutes are more than 3× the average 5 minutes of the
 * hour before (and at least {@code minRetries}); {@code sustainedOpenBreakers} for every breaker
 * that has not been CLOSED for longer than {@code sustained} (default 2 min — one open period and
 * a failed probe or more). The same rules for Prometheus are in {@code docs/alerts/keel-rules.yml}.
 * Thread-safe.
 */
public final class RetryStormAlerts implements EventListener {

    /** Where the alerts stand. */
    public record Status(
            boolean retryStorm, long retriesLast5m, double baselinePer5m, List<String> sustainedOpenBreakers) {}

    private static final int BASELINE_WINDOWS = 12;

    private final Ticker ticker;
    private final Duration sustained;
    private final long minRetries;
    private final SlidingCounts retries = new SlidingCounts(Duration.ofMinutes(65), Duration.ofMinutes(1));
    private final Map<String, Long> notClosedSince = new ConcurrentHashMap<>();

    public RetryStormAlerts(Ticker ticker, Duration sustained, long minRetries) {
        this.ticker = ticker;
        this.sustained = sustained;
        this.minRetries = minRetries;
    }

    /** 2 min sustained, at least 10 retries in 5 min. */
    public static RetryStormAlerts ofDefaults(Ticker ticker) {
        return new RetryStormAlerts(ticker, Duration.ofMinutes(2), 10);
    }

    @Override
    public void retryDecided(CallContext call, KeelException failure, RetryDecision decision) {
        if (decision instanceof RetryDecision.Retry) {
            synchronized (retries) {
                retries.add(ticker.read(), false);
            }
        }
    }

    @Override
    public void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
        if (to == CircuitBreaker.State.CLOSED) {
            notClosedSince.remove(breaker);
        } else {
            notClosedSince.putIfAbsent(breaker, ticker.read());
        }
    }

    /** The alerts now. */
    public Status status() {
        long now = ticker.read();
        long last5;
        long last65;
        synchronized (retries) {
            last5 = retries.totals(now, 5)[0];
            last65 = retries.totals(now, 65)[0];
        }
        double baseline = (last65 - last5) / (double) BASELINE_WINDOWS;
        boolean storm = last5 >= minRetries && last5 > 3 * baseline;
        List<String> open = notClosedSince.entrySet().stream()
                .filter(e -> now - e.getValue() > sustained.toNanos())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        return new Status(storm, last5, baseline, open);
    }
}
