package dev.keel.cli;

import dev.keel.realtime.latency.LatencyBudget;
import dev.keel.realtime.latency.Segment;
import dev.keel.realtime.latency.TurnLatency;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** The per-turn latency table {@code keel realtime demo} ends with, each segment against its budget. Stateless. */
final class LatencyTable {

    private LatencyTable() {}

    static void print(PrintWriter out, LatencyBudget budget, List<TurnLatency> turns) {
        out.println();
        out.println("Latency per turn (ms; budget in brackets):");
        out.printf(
                "  %-4s %9s %9s %10s %9s %9s %10s  %s%n",
                "turn", "capture", "uplink", "inference", "downlink", "playback", "e2e", "verdict");
        out.printf(
                "  %-4s %9s %9s %10s %9s %9s %10s%n",
                "",
                b(budget, Segment.CAPTURE),
                b(budget, Segment.UPLINK),
                b(budget, Segment.INFERENCE),
                b(budget, Segment.DOWNLINK),
                b(budget, Segment.PLAYBACK),
                b(budget, Segment.E2E));
        for (TurnLatency t : turns) {
            out.printf(
                    "  %-4d %9s %9s %10s %9s %9s %10s  %s%n",
                    t.turn(),
                    ms(t, Segment.CAPTURE),
                    ms(t, Segment.UPLINK),
                    ms(t, Segment.INFERENCE),
                    ms(t, Segment.DOWNLINK),
                    ms(t, Segment.PLAYBACK),
                    ms(t, Segment.E2E),
                    t.verdict(budget).describe());
        }
        out.flush();
    }

    private static String b(LatencyBudget budget, Segment s) {
        return "[" + budget.of(s).toMillis() + "]";
    }

    static String ms(TurnLatency t, Segment s) {
        Duration d = t.segments().get(s);
        return d == null ? "-" : String.format("%.1f", d.toNanos() / 1e6);
    }
}
