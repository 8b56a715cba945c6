package dev.keel.core.json;

import dev.keel.core.internal.json.JsonScan;

/**
 * Reads one top-level member of a JSON object in its raw UTF-8 bytes without parsing the rest: what
 * a client needs on the hot path to route or meter a body — its {@code model}, whether it asks to
 * {@code stream}, an event's {@code type}, whether an answer carries a {@code usage} object. Input that
 * is not a JSON object, or a member name written with escapes, reads as absent. Stateless and
 * thread-safe.
 */
public final class JsonPeek {

    private JsonPeek() {}

    /**
     * The top-level member {@code name} when it is a string, else null (absent, another type, or
     * {@code json} not an object).
     *
     * @throws dev.keel.wire.json.JsonSyntaxException when the string's escapes are malformed
     */
    public static String string(byte[] json, String name) {
        return JsonScan.string(json, name);
    }

    /** Whether the top-level member {@code name} is the literal {@code true}. */
    public static boolean isTrue(byte[] json, String name) {
        long range = JsonScan.member(json, name);
        return range >= 0 && JsonScan.end(range) - JsonScan.start(range) == 4 && json[JsonScan.start(range)] == 't';
    }

    /**
     * Whether the top-level member {@code name} is an object. Scanned from the end of {@code json},
     * so a member that comes last or nearly so (an answer's {@code usage}) costs only the object's
     * tail; for a name given twice it sees the last, as Jackson keeps.
     */
    public static boolean hasObjectNearEnd(byte[] json, String name) {
        long range = JsonScan.memberFromEnd(json, name);
        return range >= 0 && json[JsonScan.start(range)] == '{';
    }
}
