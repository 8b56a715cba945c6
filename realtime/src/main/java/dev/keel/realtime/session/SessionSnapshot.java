package dev.keel.realtime.session;

/**
 * The tracked state of a session at one moment (recipe A3, RT-07, plus audio counters). Immutable.
 *
 * @param phase the phase
 * @param sessionId the upstream session ({@code sess_…}), null before connecting
 * @param conversationId the upstream conversation, null until the first response names it
 * @param responseId the active response, null when none
 * @param itemId the current assistant item (the one a truncate names), null when none
 * @param lastUserAudioSeq how many audio chunks the user has sent
 * @param lastAckEventId the last server event id seen
 * @param audioReceivedMs answer audio received for the current item
 * @param audioPlayedMs answer audio played for the current item (reported, or real-time estimate)
 * @param reconnects recoveries completed
 */
public record SessionSnapshot(
        Phase phase,
        String sessionId,
        String conversationId,
        String responseId,
        String itemId,
        long lastUserAudioSeq,
        String lastAckEventId,
        long audioReceivedMs,
        long audioPlayedMs,
        int reconnects) {}
