package dev.keel.realtime.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The measured segments of one turn (a segment whose marks were missing is absent) and its verdict
 * against a budget. Immutable.
 *
 * @param turn the turn number in the session, from 1
 * @param segments the measured durations
 */
public record TurnLatency(int turn, Map<Segment, Duration> segments) {

    public TurnLatency {
        segments = Collections.unmodifiableMap(new EnumMap<>(segments.isEmpty() ? Map.of() : segments));
    }

    /** Which segments overran {@code budget}; {@link TurnVerdict.WithinBudget} when none did. */
    public TurnVerdict verdict(LatencyBudget budget) {
        List<Segment> over = new ArrayList<>();
        segments.forEach((s, d) -> {
            if (d.compareTo(budget.of(s)) > 0) {
                over.add(s);
            }
        });
        return over.isEmpty() ? new TurnVerdict.WithinBudget() : new TurnVerdict.Overran(over);
    }
}
