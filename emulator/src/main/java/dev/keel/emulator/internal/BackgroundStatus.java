package dev.keel.emulator.internal;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The status of a background response, with its legal edges in one table:
 *
 * <pre>
 * queued ──> in_progress ──> completed | incomplete | failed
 *   │              │
 *   └──────────────┴──> cancelled   (POST /v1/responses/{id}/cancel)
 * </pre>
 *
 * The terminal statuses have no edges out. Immutable.
 */
enum BackgroundStatus {
    QUEUED,
    IN_PROGRESS,
    COMPLETED,
    INCOMPLETE,
    FAILED,
    CANCELLED;

    private static final Map<BackgroundStatus, Set<BackgroundStatus>> EDGES = Map.of(
            QUEUED, EnumSet.of(IN_PROGRESS, CANCELLED),
            IN_PROGRESS, EnumSet.of(COMPLETED, INCOMPLETE, FAILED, CANCELLED),
            COMPLETED, EnumSet.noneOf(BackgroundStatus.class),
            INCOMPLETE, EnumSet.noneOf(BackgroundStatus.class),
            FAILED, EnumSet.noneOf(BackgroundStatus.class),
            CANCELLED, EnumSet.noneOf(BackgroundStatus.class));

    /** Whether the table allows {@code this → to}. */
    boolean canMoveTo(BackgroundStatus to) {
        return EDGES.get(this).contains(to);
    }

    /**
     * {@code to}, when the table allows {@code this → to}.
     *
     * @throws IllegalStateException for any other edge
     */
    BackgroundStatus moveTo(BackgroundStatus to) {
        if (!canMoveTo(to)) {
            throw new IllegalStateException("background response: no edge " + this + " -> " + to);
        }
        return to;
    }

    boolean isTerminal() {
        return EDGES.get(this).isEmpty();
    }

    /** The wire value, e.g. {@code in_progress}. */
    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a finished response object carries. @throws IllegalArgumentException for a non-terminal one */
    static BackgroundStatus terminalOf(String wire) {
        BackgroundStatus s = valueOf(wire.toUpperCase(Locale.ROOT));
        if (!s.isTerminal() || s == CANCELLED) {
            throw new IllegalArgumentException("not a finished response status: " + wire);
        }
        return s;
    }
}
