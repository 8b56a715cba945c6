package dev.keel.core.http;

/**
 * One server-sent event: its {@code event:} name (null when absent) and its {@code data:} lines
 * joined with newlines. Immutable.
 */
public record SseEvent(String event, String data) {

    /** Whether this is the Chat Completions end marker {@code data: [DONE]}. */
    public boolean isDone() {
        return "[DONE]".equals(data);
    }
}
