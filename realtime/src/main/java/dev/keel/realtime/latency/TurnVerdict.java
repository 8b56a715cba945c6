package dev.keel.realtime.latency;

import java.util.List;

/** Whether a turn stayed within its budgets, or which segments overran. Immutable. */
public sealed interface TurnVerdict {

    /** Every measured segment within budget. */
    record WithinBudget() implements TurnVerdict {}

    /** These segments overran, in turn order ({@link Segment#E2E} last when it did). */
    record Overran(List<Segment> segments) implements TurnVerdict {
        public Overran {
            segments = List.copyOf(segments);
        }
    }

    /** {@code ok} or {@code OVER: inference, e2e}. */
    default String describe() {
        return switch (this) {
            case WithinBudget w -> "ok";
            case Overran o ->
                "OVER: "
                        + String.join(
                                ", ",
                                o.segments().stream()
                                        .map(s -> s.name().toLowerCase(java.util.Locale.ROOT))
                                        .toList());
        };
    }
}
