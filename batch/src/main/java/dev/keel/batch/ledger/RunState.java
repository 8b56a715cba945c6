package dev.keel.batch.ledger;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a run is, and its legal edges:
 *
 * <pre>
 * ACTIVE     → CANCELLING    keel batch cancel: no new submissions, running batches cancelled
 * ACTIVE     → DONE          every chunk ended
 * CANCELLING → CANCELLED     every chunk ended after the cancel
 * </pre>
 *
 * The ledger applies each as one conditional update, so a move from another state changes nothing.
 */
public enum RunState {
    ACTIVE,
    CANCELLING,
    DONE,
    CANCELLED;

    private static final Map<RunState, Set<RunState>> EDGES = new EnumMap<>(RunState.class);

    static {
        EDGES.put(ACTIVE, EnumSet.of(CANCELLING, DONE));
        EDGES.put(CANCELLING, EnumSet.of(CANCELLED));
        EDGES.put(DONE, EnumSet.noneOf(RunState.class));
        EDGES.put(CANCELLED, EnumSet.noneOf(RunState.class));
    }

    /** Whether the table allows {@code this → to}. */
    public boolean canMoveTo(RunState to) {
        return EDGES.get(this).contains(to);
    }

    public Set<RunState> next() {
        return Collections.unmodifiableSet(EDGES.get(this));
    }

    /** Whether workers still drive it (its chunks may be claimed). */
    public boolean live() {
        return this == ACTIVE || this == CANCELLING;
    }

    /** The state a finished run ends in: DONE when it was active, CANCELLED when it was being cancelled. */
    public RunState finished() {
        return this == CANCELLING ? CANCELLED : DONE;
    }
}
