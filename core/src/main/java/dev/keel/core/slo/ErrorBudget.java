package dev.keel.core.slo;

import dev.keel.core.internal.policy.SlidingCounts;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The error budget of an {@link SloConfig}: burn rates over 5 min, 30 min, 1 h and 6 h, the two
 * multi-window alerts of the SRE workbook, and the share of the period's budget left.
 *
 * <p>Burn rate over a window = (failed / calls in the window) / (1 − target): 1 spends the budget
 * exactly over the period. {@link Status#page()}: 1 h and 5 min both above 14.4 (2 % of a 30-day
 * budget in an hour). {@link Status#ticket()}: 6 h and 30 min both above 6. Calls are counted in
 * one-minute buckets (6 h) and one-hour buckets (the period) on an injected {@link Ticker}.
 * Thread-safe and lock-free: recording a call is two striped increments.
 */
public final class ErrorBudget {

    /** The burn-rate windows, with their label in metrics. */
    public enum Window {
        M5(Duration.ofMinutes(5), "5m"),
        M30(Duration.ofMinutes(30), "30m"),
        H1(Duration.ofHours(1), "1h"),
        H6(Duration.ofHours(6), "6h");

        final Duration length;
        final String label;

        Window(Duration length, String label) {
            this.length = length;
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    static final double PAGE_BURN = 14.4;
    static final double TICKET_BURN = 6.0;

    /**
     * Where the budget stands.
     *
     * @param burnRates burn rate per window
     * @param page fast burn: 1 h and 5 min both above 14.4
     * @param ticket slow burn: 6 h and 30 min both above 6
     * @param budgetRemaining share of the period's budget not yet spent (negative when overspent)
     */
    public record Status(Map<Window, Double> burnRates, boolean page, boolean ticket, double budgetRemaining) {
        public Status {
            burnRates = Map.copyOf(burnRates);
        }
    }

    private final SloConfig slo;
    private final Ticker ticker;
    private final SlidingCounts minutes = new SlidingCounts(Duration.ofHours(6), Duration.ofMinutes(1));
    private final SlidingCounts hours;

    public ErrorBudget(SloConfig slo, Ticker ticker) {
        this.slo = slo;
        this.ticker = ticker;
        this.hours = new SlidingCounts(slo.period(), Duration.ofHours(1));
    }

    /** Records one call that counts for the SLO. */
    public void record(boolean failed) {
        long now = ticker.read();
        minutes.add(now, failed);
        hours.add(now, failed);
    }

    /** The burn rate over one window. */
    public double burnRate(Window window) {
        long[] t = minutes.totals(ticker.read(), (int) window.length.toMinutes());
        return t[0] == 0 ? 0 : ((double) t[1] / t[0]) / (1 - slo.target());
    }

    /** Burn rates, alerts and budget left, now. */
    public Status status() {
        Map<Window, Double> rates = new EnumMap<>(Window.class);
        for (Window w : Window.values()) {
            rates.put(w, burnRate(w));
        }
        boolean page = rates.get(Window.H1) > PAGE_BURN && rates.get(Window.M5) > PAGE_BURN;
        boolean ticket = rates.get(Window.H6) > TICKET_BURN && rates.get(Window.M30) > TICKET_BURN;
        long[] period = hours.totals(ticker.read());
        double spent = period[0] == 0 ? 0 : ((double) period[1] / period[0]) / (1 - slo.target());
        return new Status(rates, page, ticket, 1 - spent);
    }

    public SloConfig slo() {
        return slo;
    }
}
