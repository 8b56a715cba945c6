package dev.keel.realtime.session;

import java.time.InstantSource;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The session phases and their legal edges, in one table (recipe A3 plus two additions):
 *
 * <pre>
 * IDLE       → LISTENING                 connected
 * LISTENING  → THINKING                  the user's turn ended
 * THINKING   → SPEAKING                  the answer's first audio
 * SPEAKING   → CANCELLING                interrupt
 * CANCELLING → LISTENING                 the server confirmed the cancel
 * THINKING   → RECOVERING                timeout or error (or an answer that ended before any audio)
 * RECOVERING → LISTENING                 recovered
 * SPEAKING   → LISTENING                 the turn completed             (addition: issue 7)
 * LISTENING, SPEAKING, CANCELLING → RECOVERING   the connection broke or a send failed (keel's addition)
 * </pre>
 *
 * Anything else throws {@link IllegalPhaseTransitionException} and is counted. A transition is one
 * atomic update followed by one event. Thread-safe.
 */
public final class PhaseMachine {

    private static final Map<Phase, Set<Phase>> EDGES = new EnumMap<>(Phase.class);

    static {
        EDGES.put(Phase.IDLE, EnumSet.of(Phase.LISTENING));
        EDGES.put(Phase.LISTENING, EnumSet.of(Phase.THINKING, Phase.RECOVERING));
        EDGES.put(Phase.THINKING, EnumSet.of(Phase.SPEAKING, Phase.RECOVERING));
        EDGES.put(Phase.SPEAKING, EnumSet.of(Phase.CANCELLING, Phase.LISTENING, Phase.RECOVERING));
        EDGES.put(Phase.CANCELLING, EnumSet.of(Phase.LISTENING, Phase.RECOVERING));
        EDGES.put(Phase.RECOVERING, EnumSet.of(Phase.LISTENING));
    }

    private final InstantSource clock;
    private final Runnable onIllegal;
    private final Consumer<PhaseChange> onChange;
    private Phase phase = Phase.IDLE;

    /**
     * @param onIllegal called (to count) before an illegal transition throws
     * @param onChange called after each transition, outside no lock of the caller's
     */
    public PhaseMachine(InstantSource clock, Runnable onIllegal, Consumer<PhaseChange> onChange) {
        this.clock = clock;
        this.onIllegal = onIllegal;
        this.onChange = onChange;
    }

    /** Whether the table allows {@code from → to}. */
    public static boolean allowed(Phase from, Phase to) {
        return EDGES.get(from).contains(to);
    }

    /** The phases reachable from {@code from}. */
    public static Set<Phase> allowedFrom(Phase from) {
        return EnumSet.copyOf(EDGES.get(from).isEmpty() ? EnumSet.noneOf(Phase.class) : EDGES.get(from));
    }

    public synchronized Phase phase() {
        return phase;
    }

    /**
     * Moves to {@code to}.
     *
     * @throws IllegalPhaseTransitionException when the table does not allow it (the phase is unchanged)
     */
    public PhaseChange transition(Phase to, String cause) {
        PhaseChange change;
        synchronized (this) {
            if (!allowed(phase, to)) {
                onIllegal.run();
                throw new IllegalPhaseTransitionException(phase, to, cause);
            }
            change = new PhaseChange(phase, to, cause, clock.instant());
            phase = to;
        }
        onChange.accept(change);
        return change;
    }
}
