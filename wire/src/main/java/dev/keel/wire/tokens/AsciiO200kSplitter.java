package dev.keel.wire.tokens;

/**
 * Splits ASCII text into the pieces {@code o200k_base}'s pre-tokenizer regex finds, without the
 * regex. The pattern (as jtokkit compiles it, with {@code UNICODE_CHARACTER_CLASS}) is seven
 * alternatives tried in order at each position:
 *
 * <pre>
 * 1  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 2  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 3  \p{N}{1,3}
 * 4   ?[^\s\p{L}\p{N}]+[\r\n/]*
 * 5  \s*[\r\n]+
 * 6  \s+(?!\S)
 * 7  \s+
 * </pre>
 *
 * In ASCII the letter classes are just {@code A-Z} and {@code a-z} (no titlecase, modifier or
 * other letters, no marks), numbers are {@code 0-9} and white space is {@code \t \n \x0B \f \r}
 * and the space, so each alternative reduces to a scan with no backtracking worth the name. The
 * BPE merge of each piece is still jtokkit's; only the split is done here, because the regex is
 * where most of the counting time went. Text with any non-ASCII character is not for this class
 * ({@link #isAscii}); {@code AsciiO200kSplitterTest} checks the pieces against the regex itself.
 */
final class AsciiO200kSplitter {

    private AsciiO200kSplitter() {}

    /** Receives each piece as a range of the text. */
    interface Pieces {
        void piece(String text, int start, int end);
    }

    static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Calls {@code out} with every piece of {@code s}, which must be ASCII, in order. */
    static void split(String s, Pieces out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int end = match(s, i, n);
            out.piece(s, i, end);
            i = end;
        }
    }

    /** The end of the piece that starts at {@code i}; every ASCII character starts one. */
    private static int match(String s, int i, int n) {
        char c = s.charAt(i);
        // Alternatives 1 and 2: an optional leading non-letter-digit-newline, then letters.
        int j = isPrefix(c) ? i + 1 : i;
        int k = j;
        while (k < n && isUpper(s.charAt(k))) {
            k++;
        }
        int m = k;
        while (m < n && isLower(s.charAt(m))) {
            m++;
        }
        if (m > k || k > j) {
            // 1 needs a lower-case letter after any upper-case ones; 2 needs an upper-case letter.
            // Either way the letters run to m and an optional contraction may follow.
            return m + contraction(s, m, n);
        }
        if (isDigit(c)) {
            int e = i + 1;
            while (e < n && e < i + 3 && isDigit(s.charAt(e))) {
                e++;
            }
            return e;
        }
        // 4: an optional space, then one or more of neither space nor letter nor digit, then \r \n /.
        int p = c == ' ' ? i + 1 : i;
        int q = p;
        while (q < n && isOther(s.charAt(q))) {
            q++;
        }
        if (q > p) {
            while (q < n && (s.charAt(q) == '\r' || s.charAt(q) == '\n' || s.charAt(q) == '/')) {
                q++;
            }
            return q;
        }
        // What is left starts with white space: alternatives 5, 6 and 7.
        int e = i;
        int lastNewline = -1;
        while (e < n && isSpace(s.charAt(e))) {
            if (s.charAt(e) == '\r' || s.charAt(e) == '\n') {
                lastNewline = e;
            }
            e++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        if (e == n) {
            return e;
        }
        return e - 1 > i ? e - 1 : e;
    }

    /** Length of {@code 's 't 're 've 'm 'll 'd} (any case) at {@code m}, or 0. */
    private static int contraction(String s, int m, int n) {
        if (m + 1 >= n || s.charAt(m) != '\'') {
            return 0;
        }
        char a = lower(s.charAt(m + 1));
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return 2;
        }
        if (m + 2 < n) {
            char b = lower(s.charAt(m + 2));
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** {@code [^\r\n\p{L}\p{N}]}. */
    private static boolean isPrefix(char c) {
        return c != '\r' && c != '\n' && !isUpper(c) && !isLower(c) && !isDigit(c);
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    private static boolean isOther(char c) {
        return !isSpace(c) && !isUpper(c) && !isLower(c) && !isDigit(c);
    }
}
