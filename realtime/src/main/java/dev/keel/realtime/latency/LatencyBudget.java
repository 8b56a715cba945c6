package dev.keel.realtime.latency;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Upper bounds per segment of a voice turn (recipe A3): capture 150, uplink 150, inference 700,
 * downlink 120, playback 250 ms, and 1500 ms end to end. Immutable.
 */
public record LatencyBudget(
        Duration capture, Duration uplink, Duration inference, Duration downlink, Duration playback, Duration e2e) {

    /** @throws IllegalArgumentException when a budget is not positive */
    public LatencyBudget {
        for (Duration d : new Duration[] {capture, uplink, inference, downlink, playback, e2e}) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("every latency budget must be positive, got " + d);
            }
        }
    }

    public static LatencyBudget ofDefaults() {
        return new LatencyBudget(
                Duration.ofMillis(150),
                Duration.ofMillis(150),
                Duration.ofMillis(700),
                Duration.ofMillis(120),
                Duration.ofMillis(250),
                Duration.ofMillis(1500));
    }

    /** The budget of one segment. */
    public Duration of(Segment s) {
        return switch (s) {
            case CAPTURE -> capture;
            case UPLINK -> uplink;
            case INFERENCE -> inference;
            case DOWNLINK -> downlink;
            case PLAYBACK -> playback;
            case E2E -> e2e;
        };
    }

    /** A copy with one segment's budget replaced. */
    public LatencyBudget with(Segment s, Duration d) {
        Map<Segment, Duration> m = new EnumMap<>(Segment.class);
        for (Segment x : Segment.values()) {
            m.put(x, x == s ? d : of(x));
        }
        return new LatencyBudget(
                m.get(Segment.CAPTURE),
                m.get(Segment.UPLINK),
                m.get(Segment.INFERENCE),
                m.get(Segment.DOWNLINK),
                m.get(Segment.PLAYBACK),
                m.get(Segment.E2E));
    }
}
