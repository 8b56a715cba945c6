package dev.keel.core.internal.json;

import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Finds one member of a JSON object in its raw UTF-8 bytes without building a tree or tokenizing
 * the rest: a single pass that skips nested values and strings (escapes included). For the hot
 * path, where the pipeline needs only a body's {@code model} or an answer's {@code usage}. Input
 * that is not a JSON object, or a member name written with escapes, reads as absent; names are
 * ASCII. Stateless, so
 * thread-safe.
 */
public final class JsonScan {

    private JsonScan() {}

    /**
     * The value of member {@code name} of the object spanning {@code json[from, to)}, as the range
     * {@code [start, end)} packed by {@link #range}, or -1 when there is none.
     */
    public static long member(byte[] json, int from, int to, String name) {
        int i = skipWhitespace(json, from, to);
        if (i >= to || json[i] != '{') {
            return -1;
        }
        i++;
        while (true) {
            i = skipWhitespace(json, i, to);
            if (i >= to || json[i] == '}') {
                return -1;
            }
            if (json[i] == ',') {
                i++;
                continue;
            }
            if (json[i] != '"') {
                return -1;
            }
            int open = i;
            int keyEnd = endOfString(json, i, to);
            i = keyEnd < 0 ? to : skipWhitespace(json, keyEnd + 1, to);
            if (i >= to || json[i] != ':') {
                return -1;
            }
            int start = skipWhitespace(json, i + 1, to);
            int end = endOfValue(json, start, to);
            if (end < 0) {
                return -1;
            }
            if (named(json, open, keyEnd, name)) {
                return range(start, end);
            }
            i = end;
        }
    }

    /** The member {@code name} of the whole object {@code json} (see {@link #member(byte[], int, int, String)}). */
    public static long member(byte[] json, String name) {
        return json == null ? -1 : member(json, 0, json.length, name);
    }

    /**
     * The top-level member {@code name} of the object {@code json}, found by scanning from the end: for
     * a member that comes last or nearly so (an answer's {@code usage}), this reads only the object's
     * tail instead of all of it. Same answer as {@link #member(byte[], String)} for an object that
     * names each member once (for a name given twice it finds the last, as Jackson keeps); -1 when
     * absent or when {@code json} is not an object.
     */
    public static long memberFromEnd(byte[] json, String name) {
        if (json == null) {
            return -1;
        }
        int i = json.length - 1;
        while (i >= 0 && isWhitespace(json[i])) {
            i--;
        }
        if (i < 0 || json[i] != '}') {
            return -1;
        }
        int valueEnd = i; // the ',' or '}' just past the value of the member being walked back over
        int depth = 0; // containers open inside the top-level object at index i
        for (i--; i >= 0; i--) {
            byte b = json[i];
            if (b == '"') {
                int open = startOfString(json, i);
                if (open < 0) {
                    return -1;
                }
                if (depth == 0) {
                    int colon = skipWhitespace(json, i + 1, valueEnd);
                    if (colon < valueEnd && json[colon] == ':' && named(json, open, i, name)) {
                        int start = skipWhitespace(json, colon + 1, valueEnd);
                        int end = valueEnd;
                        while (end > start && isWhitespace(json[end - 1])) {
                            end--;
                        }
                        return start < end ? range(start, end) : -1;
                    }
                }
                i = open;
            } else if (b == '}' || b == ']') {
                depth++;
            } else if (b == '{' || b == '[') {
                if (depth == 0) {
                    return -1; // back at the object's own brace: no such member
                }
                depth--;
            } else if (b == ',' && depth == 0) {
                valueEnd = i;
            }
        }
        return -1;
    }

    /** A top-level string member's value, or null when absent or not a string. */
    public static String string(byte[] json, String name) {
        long r = member(json, name);
        if (r < 0 || json[start(r)] != '"') {
            return null;
        }
        int s = start(r) + 1;
        int e = end(r) - 1;
        for (int i = s; i < e; i++) {
            if (json[i] == '\\') {
                return Json.parse(new String(json, start(r), end(r) - start(r), StandardCharsets.UTF_8))
                        .asText();
            }
        }
        return new String(json, s, e - s, StandardCharsets.UTF_8);
    }

    /** A whole-number member of the object spanning {@code json[from, to)}, or 0 when absent or not a number. */
    public static long longValue(byte[] json, int from, int to, String name) {
        long r = member(json, from, to, name);
        if (r < 0) {
            return 0;
        }
        long value = 0;
        for (int i = start(r); i < end(r); i++) {
            int digit = json[i] - '0';
            if (digit < 0 || digit > 9) {
                return 0;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Packs a range. */
    public static long range(int start, int end) {
        return ((long) start << 32) | (end & 0xffffffffL);
    }

    public static int start(long range) {
        return (int) (range >>> 32);
    }

    public static int end(long range) {
        return (int) range;
    }

    /** Whether the key between the quotes at {@code open} and {@code close} is {@code name} (ASCII, unescaped). */
    private static boolean named(byte[] json, int open, int close, String name) {
        if (close - open - 1 != name.length()) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            if (json[open + 1 + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(byte[] json, int i, int to) {
        while (i < to && isWhitespace(json[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /**
     * The index of the quote opening the string whose closing quote is at {@code close}, or -1: the
     * nearest quote before it that is not escaped (preceded by an even number of backslashes).
     */
    private static int startOfString(byte[] json, int close) {
        for (int j = close - 1; j >= 0; j--) {
            if (json[j] == '"') {
                int backslashes = 0;
                for (int k = j - 1; k >= 0 && json[k] == '\\'; k--) {
                    backslashes++;
                }
                if (backslashes % 2 == 0) {
                    return j;
                }
            }
        }
        return -1;
    }

    /** The index of the quote closing the string that opens at {@code i}, or -1. */
    private static int endOfString(byte[] json, int i, int to) {
        int j = i + 1;
        while (true) {
            while (j < to && json[j] != '"') { // one comparison per byte; escapes are rare
                j++;
            }
            if (j >= to) {
                return -1;
            }
            int backslashes = 0;
            for (int k = j - 1; k > i && json[k] == '\\'; k--) {
                backslashes++;
            }
            if (backslashes % 2 == 0) {
                return j;
            }
            j++;
        }
    }

    /** The index just past the value starting at {@code i}, or -1 when it does not end. */
    private static int endOfValue(byte[] json, int i, int to) {
        if (i >= to) {
            return -1;
        }
        byte b = json[i];
        if (b == '"') {
            int e = endOfString(json, i, to);
            return e < 0 ? -1 : e + 1;
        }
        if (b == '{' || b == '[') {
            return endOfContainer(json, i, to);
        }
        int j = i;
        while (j < to && json[j] != ',' && json[j] != '}' && json[j] != ']' && json[j] > ' ') {
            j++;
        }
        return j == i ? -1 : j;
    }

    private static int endOfContainer(byte[] json, int i, int to) {
        int depth = 0;
        for (int j = i; j < to; j++) {
            byte b = json[j];
            if (b == '"') {
                j = endOfString(json, j, to);
                if (j < 0) {
                    return -1;
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return j + 1;
            }
        }
        return -1;
    }
}
