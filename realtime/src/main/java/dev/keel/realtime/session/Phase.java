package dev.keel.realtime.session;

/** Where a realtime voice session stands (recipe A3), exactly these six. */
public enum Phase {
    /** Not connected yet. */
    IDLE,
    /** Connected; the user may speak. */
    LISTENING,
    /** The user's turn ended; the answer is being prepared. */
    THINKING,
    /** The answer's audio is arriving and playing. */
    SPEAKING,
    /** An interrupt: cancel (and truncate) sent, waiting for the server to confirm. */
    CANCELLING,
    /** Rebuilding the connection or the turn after a failure. */
    RECOVERING
}
