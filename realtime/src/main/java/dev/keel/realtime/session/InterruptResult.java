package dev.keel.realtime.session;

import dev.keel.core.error.KeelException;

/** What an interrupt did. Immutable. */
public sealed interface InterruptResult {

    /** No active response: nothing was sent. */
    record NothingActive() implements InterruptResult {}

    /**
     * {@code response.cancel} was sent, and a truncate at {@code audioEndMs} unless nothing had been
     * played ({@code truncated} false).
     */
    record Cancelled(String responseId, String itemId, boolean truncated, long audioEndMs) implements InterruptResult {}

    /** A send failed: the phase is RECOVERING, the response id kept, and a recovery started. */
    record SendFailed(String responseId, KeelException failure) implements InterruptResult {}
}
