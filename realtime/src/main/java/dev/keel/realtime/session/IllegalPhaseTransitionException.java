package dev.keel.realtime.session;

/** A transition the table does not allow, e.g. LISTENING → SPEAKING. Counted before it is thrown. */
public final class IllegalPhaseTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public IllegalPhaseTransitionException(Phase from, Phase to, String cause) {
        super("illegal realtime phase transition " + from + " -> " + to + " (cause: " + cause + "); allowed from "
                + from + ": " + PhaseMachine.allowedFrom(from));
    }
}
