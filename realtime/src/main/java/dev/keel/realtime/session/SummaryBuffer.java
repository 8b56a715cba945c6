package dev.keel.realtime.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded summary of recent turns that a recovery replays (never the audio, never the whole
 * history): the last {@code maxTurns} turns as one-line texts, cut to {@code maxChars} in all,
 * oldest dropped first. Thread-safe.
 */
public final class SummaryBuffer {

    private final int maxTurns;
    private final int maxChars;
    private final ArrayDeque<String> turns = new ArrayDeque<>();

    /** @throws IllegalArgumentException when a cap is below 1 */
    public SummaryBuffer(int maxTurns, int maxChars) {
        if (maxTurns < 1 || maxChars < 1) {
            throw new IllegalArgumentException(
                    "summary caps must be >= 1, got " + maxTurns + " turns / " + maxChars + " chars");
        }
        this.maxTurns = maxTurns;
        this.maxChars = maxChars;
    }

    /** Adds one turn, e.g. {@code assistant: the answer's transcript}. */
    public synchronized void add(String role, String text) {
        String line = role + ": " + text.strip().replaceAll("\\s+", " ");
        turns.addLast(line);
        while (turns.size() > maxTurns) {
            turns.removeFirst();
        }
    }

    /** The summary to replay, newest turns kept when over the character cap; empty when none. */
    public synchronized String render() {
        List<String> kept = new ArrayList<>();
        int chars = 0;
        var it = turns.descendingIterator();
        while (it.hasNext()) {
            String line = it.next();
            if (chars + line.length() + 1 > maxChars) {
                break;
            }
            kept.addFirst(line);
            chars += line.length() + 1;
        }
        return kept.isEmpty() ? "" : "Summary of the conversation so far:\n" + String.join("\n", kept);
    }

    public synchronized int size() {
        return turns.size();
    }
}
