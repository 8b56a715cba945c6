package dev.keel.wire.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The line each key of a JSON or YAML document stands on, by JSON pointer ({@code /rules/0/fault}),
 * so a message about a key can say {@code faults.yaml:7}; and a "did you mean" for a misspelt key.
 * Immutable and thread-safe.
 */
public final class KeyLines {

    private final String source;
    private final Map<String, Integer> lines;

    private KeyLines(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    /**
     * Reads {@code text} with {@code factory} (a {@code YAMLFactory} or a JSON one); a document that
     * does not parse gives no lines (the caller's parse reports that error).
     */
    public static KeyLines of(String source, JsonFactory factory, String text) {
        var lines = new HashMap<String, Integer>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    lines.put(
                            p.getParsingContext().pathAsPointer().toString(),
                            p.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            // incomplete map: the caller's parse says what is wrong with the document
        }
        return new KeyLines(source, Map.copyOf(lines));
    }

    /** {@code file:line} for the key at {@code pointer}, or just {@code file} when it is not known. */
    public String where(String pointer) {
        Integer line = lines.get(pointer);
        return line == null ? source : source + ":" + line;
    }

    /**
     * {@code ; did you mean 'x'?} for the known name closest to {@code key} (at most a third of its
     * letters off), else the list of known names.
     */
    public static String suggestion(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(1, key.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return "; known keys: " + known.stream().sorted().toList();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
