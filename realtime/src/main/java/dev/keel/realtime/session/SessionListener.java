package dev.keel.realtime.session;

import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.latency.TurnVerdict;

/**
 * What a session reports, with no-op defaults; called on the controller's threads, must not block.
 */
public interface SessionListener {

    default void phaseChanged(PhaseChange change) {}

    /** An interrupt sent its cancel: {@code triggerNanos} (speech_started arrived, or the call) → sent. */
    default void interruptSent(InterruptResult.Cancelled result, long triggerNanos, long sentNanos) {}

    default void turnMeasured(TurnLatency latency, TurnVerdict verdict) {}

    /** A recovery finished: reason, plan, whether a new token was used, the summary replayed (or empty). */
    default void recovered(String reason, RecoveryPlan plan, boolean newToken, String summary) {}

    /** A recovery gave up (its budget ran out); the session is closed. */
    default void recoveryFailed(String reason, RuntimeException lastFailure) {}

    /** A server {@code error} event the controller did not handle itself. */
    default void serverError(String code, String message) {}

    SessionListener NONE = new SessionListener() {};
}
