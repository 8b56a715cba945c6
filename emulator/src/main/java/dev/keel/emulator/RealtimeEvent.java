package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event on the emulator's realtime WebSocket, as recorded for tests: which session, which way,
 * its type and body. Immutable; {@code response.output_audio.delta} bodies keep their base64 audio.
 *
 * @param sessionId the emulated session ({@code sess_…})
 * @param fromClient true for client events (what the emulator received), false for server events
 * @param type the event's {@code type}
 * @param event the whole event
 * @param atNanos {@link System#nanoTime()} when it was received or sent
 */
public record RealtimeEvent(String sessionId, boolean fromClient, String type, JsonNode event, long atNanos) {}
