package dev.keel.batch;

/**
 * The one rule for {@code custom_id}s, for both ledgers, and how to build ones that stay the same
 * across replays.
 *
 * <p>The rule ({@link #problem}): at most {@value #MAX_LENGTH} characters (code points; the
 * ledger's column is {@code VARCHAR(512)}, which PostgreSQL enforces and SQLite does not) and no
 * control character ({@code U+0000}–{@code U+001F}, {@code U+007F}–{@code U+009F}; PostgreSQL
 * cannot store {@code U+0000} in text at all). The validator applies it to every input line, so a
 * run behaves the same on either ledger.
 *
 * <p>{@code ts} must be the task's first enqueue time, kept with the task and reused for every
 * replay: a replay time would give the replayed line a new id and defeat the unique key on results.
 */
public final class CustomIds {

    /** The longest {@code custom_id}, in characters. */
    public static final int MAX_LENGTH = 512;

    private CustomIds() {}

    /** What is wrong with {@code customId} under the rule, or null when nothing is. */
    public static String problem(String customId) {
        int length = customId.codePointCount(0, customId.length());
        if (length > MAX_LENGTH) {
            return "custom_id is " + length + " characters, over the " + MAX_LENGTH
                    + "-character limit; shorten it (e.g. a hash of the long key)";
        }
        for (int i = 0; i < customId.length(); i++) {
            char c = customId.charAt(i);
            if (Character.isISOControl(c)) {
                return String.format(
                        "custom_id has the control character U+%04X at character %d; remove it (custom_ids"
                                + " are printed, logged and stored as text)",
                        (int) c, customId.codePointCount(0, i) + 1);
            }
        }
        return null;
    }

    /**
     * {@code customId} safe to print: control characters as {@code \\u} and four hex digits, cut to 80 characters
     * with an ellipsis.
     */
    public static String printable(String customId) {
        var b = new StringBuilder();
        for (int i = 0; i < customId.length(); i++) {
            char c = customId.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.length() > 80 ? b.substring(0, 80) + "…" : b.toString();
    }

    /**
     * {@code bizKey + "-" + ts}.
     *
     * @throws IllegalArgumentException if {@code bizKey} is blank or {@code ts} negative
     */
    public static String build(String bizKey, long ts) {
        if (bizKey == null || bizKey.isBlank()) {
            throw new IllegalArgumentException("bizKey must not be blank");
        }
        if (ts < 0) {
            throw new IllegalArgumentException("ts must be >= 0 (the task's first enqueue time), was " + ts);
        }
        return bizKey + "-" + ts;
    }
}
