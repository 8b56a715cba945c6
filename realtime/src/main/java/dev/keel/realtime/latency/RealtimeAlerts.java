package dev.keel.realtime.latency;

import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * The realtime alerts of recipe A3, evaluated in process from {@link RealtimeMetrics} (the same
 * rules for Prometheus are in {@code docs/alerts/realtime-rules.yml}): {@code
 * realtime_first_audio_p95 > 1500 ms}; {@code session_rotate_fail_total} rose in the last 15
 * minutes; {@code interrupt_recovery_fail_rate > 5 %}; {@code ice_restart_total} spiked (at least 3
 * in the last 15 minutes and more than 3× the average 15 minutes of the hour before). Thread-safe.
 */
public final class RealtimeAlerts {

    /** Where the alerts stand, with the figures behind them. */
    public record Status(
            boolean firstAudioSlow,
            double firstAudioP95Ms,
            boolean rotateFailing,
            double rotateFailuresLast15m,
            boolean interruptRecoveryFailing,
            double interruptFailRate,
            boolean iceRestartSpike,
            long iceRestartsLast15m) {

        /** The names of the alerts that fire. */
        public List<String> firing() {
            List<String> out = new ArrayList<>();
            if (firstAudioSlow) {
                out.add("RealtimeFirstAudioSlow");
            }
            if (rotateFailing) {
                out.add("RealtimeTokenRotationFailing");
            }
            if (interruptRecoveryFailing) {
                out.add("RealtimeInterruptRecoveryFailing");
            }
            if (iceRestartSpike) {
                out.add("RealtimeIceRestartSpike");
            }
            return out;
        }
    }

    private static final long WINDOW = Duration.ofMinutes(15).toNanos();

    private final RealtimeMetrics metrics;
    private final Ticker ticker;
    private final Duration firstAudioTarget;
    private final double interruptFailLimit;
    /** (ticker time, rotate failures total) samples, newest last, for the 15-minute increase. */
    private final LinkedList<double[]> rotateSamples = new LinkedList<>();

    public RealtimeAlerts(
            RealtimeMetrics metrics, Ticker ticker, Duration firstAudioTarget, double interruptFailLimit) {
        this.metrics = metrics;
        this.ticker = ticker;
        this.firstAudioTarget = firstAudioTarget;
        this.interruptFailLimit = interruptFailLimit;
        rotateSamples.add(new double[] {ticker.read(), metrics.rotateFailures()});
    }

    /** 1500 ms first-audio target, 5 % interrupt failures. */
    public static RealtimeAlerts ofDefaults(RealtimeMetrics metrics, Ticker ticker) {
        return new RealtimeAlerts(metrics, ticker, Duration.ofMillis(1500), 0.05);
    }

    /** The alerts now. */
    public synchronized Status status() {
        long now = ticker.read();
        double rotateNow = metrics.rotateFailures();
        while (rotateSamples.size() > 1 && now - (long) rotateSamples.get(1)[0] >= WINDOW) {
            rotateSamples.removeFirst();
        }
        double rotateIncrease = rotateNow - rotateSamples.getFirst()[1];
        rotateSamples.addLast(new double[] {now, rotateNow});
        long last15 = metrics.transportReconnects(15);
        double baseline = (metrics.transportReconnects(75) - last15) / 4.0;
        double p95 = metrics.firstAudioP95Millis();
        double failRate = metrics.interruptFailRate();
        return new Status(
                p95 > firstAudioTarget.toMillis(),
                p95,
                rotateIncrease > 0,
                rotateIncrease,
                failRate > interruptFailLimit,
                failRate,
                last15 >= 3 && last15 > 3 * baseline,
                last15);
    }
}
