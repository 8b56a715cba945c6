package dev.keel.realtime.latency;

import dev.keel.core.metrics.WindowCounts;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;

/**
 * The realtime metrics (recipe A3, Prometheus names): histograms {@code realtime_capture_ms} …
 * {@code realtime_e2e_ms}; the gauge {@code realtime_first_audio_p95} (p95 of the end-to-end time to
 * the first audible answer over the last 500 turns); {@code interrupt_total}, {@code
 * interrupt_recovery_fail_total} and the gauge {@code interrupt_recovery_fail_rate} (failed share of
 * the interrupts of the last 5 minutes); {@code ice_restart_total} (transport-class reconnects);
 * {@code realtime_illegal_transition_total}. One per process or per registry; thread-safe.
 */
public final class RealtimeMetrics {

    private static final int P95_WINDOW = 500;

    private final Map<Segment, DistributionSummary> histograms = new EnumMap<>(Segment.class);
    private final ArrayDeque<Double> recentE2e = new ArrayDeque<>();
    private final WindowCounts interrupts;
    private final WindowCounts transportReconnects;
    private final Counter interruptTotal;
    private final Counter interruptFailed;
    private final Counter iceRestarts;
    private final Counter illegalTransitions;
    private final MeterRegistry registry;

    public RealtimeMetrics(MeterRegistry registry, Ticker ticker) {
        this.registry = registry;
        this.interrupts = new WindowCounts(Duration.ofMinutes(5), Duration.ofSeconds(10), ticker);
        this.transportReconnects = new WindowCounts(Duration.ofMinutes(75), Duration.ofMinutes(1), ticker);
        for (Segment s : Segment.values()) {
            histograms.put(
                    s,
                    DistributionSummary.builder(s.metric())
                            .description(
                                    "realtime turn latency segment " + s.name().toLowerCase(java.util.Locale.ROOT)
                                            + " (ms): one of capture, uplink, inference, downlink, playback and e2e")
                            .baseUnit("ms")
                            .publishPercentiles(0.5, 0.95, 0.99)
                            .register(registry));
        }
        Gauge.builder("realtime_first_audio_p95", this, RealtimeMetrics::firstAudioP95Millis)
                .description("p95 of user speech end to first audible answer, last 500 turns (ms)")
                .register(registry);
        Gauge.builder("interrupt_recovery_fail_rate", this, RealtimeMetrics::interruptFailRate)
                .description("share of interrupts in the last 5 minutes whose cancel could not be sent")
                .register(registry);
        interruptTotal = Counter.builder("interrupt")
                .description("barge-in interrupts: the answer was cancelled and truncated")
                .register(registry);
        interruptFailed = Counter.builder("interrupt_recovery_fail")
                .description("interrupts whose cancel or truncate could not be sent")
                .register(registry);
        iceRestarts = Counter.builder("ice_restart")
                .description("transport-class reconnects (ice_failed, network_switch, dropped sockets)")
                .register(registry);
        illegalTransitions = Counter.builder("realtime_illegal_transition")
                .description(
                        "session events refused by the turn/interrupt phase table (a bug or an unexpected server event)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records a finished turn's segments. */
    public void record(TurnLatency turn) {
        turn.segments().forEach((s, d) -> histograms.get(s).record(d.toNanos() / 1e6));
        Duration e2e = turn.segments().get(Segment.E2E);
        if (e2e != null) {
            synchronized (recentE2e) {
                if (recentE2e.size() == P95_WINDOW) {
                    recentE2e.removeFirst();
                }
                recentE2e.addLast(e2e.toNanos() / 1e6);
            }
        }
    }

    /** An interrupt whose cancel was sent ({@code failed=false}) or could not be ({@code true}). */
    public void interrupt(boolean failed) {
        interruptTotal.increment();
        if (failed) {
            interruptFailed.increment();
        }
        interrupts.record(failed);
    }

    /** A reconnect after a transport-class failure. */
    public void transportReconnect() {
        iceRestarts.increment();
        transportReconnects.record(false);
    }

    public void illegalTransition() {
        illegalTransitions.increment();
    }

    /** p95 of the recent end-to-end times, 0 when none. */
    public double firstAudioP95Millis() {
        double[] v;
        synchronized (recentE2e) {
            v = recentE2e.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
        return v.length == 0 ? 0 : v[(int) Math.ceil(0.95 * v.length) - 1];
    }

    /** Failed share of the interrupts of the last 5 minutes, 0 when none. */
    public double interruptFailRate() {
        return interrupts.window().failureRate();
    }

    /** Transport reconnects in the last {@code minutes} minutes (up to 75). */
    public long transportReconnects(int minutes) {
        return transportReconnects.recent(minutes).total();
    }

    /** {@code session_rotate_fail_total} as registered by a {@link dev.keel.realtime.token.TokenBroker}, 0 if none. */
    public double rotateFailures() {
        var c = registry.find("session_rotate_fail").counter();
        return c == null ? 0 : c.count();
    }

    public double illegalTransitions() {
        return illegalTransitions.count();
    }
}
