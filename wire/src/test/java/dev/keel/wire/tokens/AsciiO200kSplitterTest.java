package dev.keel.wire.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AsciiO200kSplitterTest {

    /** o200k_base's pre-tokenizer, exactly as jtokkit 1.1 builds and compiles it. */
    private static final Pattern O200K = Pattern.compile(
            String.join(
                    "|",
                    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
                    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
                    "\\p{N}{1,3}",
                    " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
                    "\\s*[\\r\\n]+",
                    "\\s+(?!\\S)",
                    "\\s+"),
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Characters weighted towards the ones the alternatives turn on. */
    private static final String ALPHABET =
            "aeiouxyzAEIOUXYZsStTdDmMlLrReEvV0123456789     \t\n\r\u000b\f''''.,;:!?/\\-_()[]{}\"#$%&*+<=>@^`|~\u0000\u0001\u001f\u007f";

    @Test
    void split_randomAscii_matchesTheRegexPieceForPiece() {
        Random random = new Random(20261203);
        for (int round = 0; round < 20_000; round++) {
            int length = random.nextInt(40);
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append(
                        random.nextInt(8) == 0
                                ? (char) random.nextInt(0x80)
                                : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String text = b.toString();
            List<String> expected = regexPieces(text);
            if (!pieces(text).equals(expected)) {
                assertThat(pieces(text)).as("pieces of %s", escape(text)).isEqualTo(expected);
            }
        }
    }

    @Test
    void split_edgeCases_matchTheRegex() {
        for (String text : List.of(
                "",
                " ",
                "  ",
                "a  b",
                "a   b",
                "\t\tx",
                " 1",
                "  \n\n  foo",
                "line\r\n\r\nnext",
                "12345678",
                "don't WE'LL they'Re I'M it'S",
                "'s",
                "''s",
                "HTTPServer JSONParser iPhone",
                " ...\n/",
                "path/to/file.txt\n",
                "x\u0000y",
                "end   ",
                "end \n")) {
            assertThat(pieces(text)).as("pieces of %s", escape(text)).isEqualTo(regexPieces(text));
        }
    }

    @Test
    void isAscii_tellsAsciiFromTheRest() {
        assertThat(AsciiO200kSplitter.isAscii("plain text, 123\n")).isTrue();
        assertThat(AsciiO200kSplitter.isAscii("café")).isFalse();
        assertThat(AsciiO200kSplitter.isAscii("\u007f")).isTrue();
        assertThat(AsciiO200kSplitter.isAscii("\u0080")).isFalse();
    }

    private static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        AsciiO200kSplitter.split(text, (s, start, end) -> out.add(s.substring(start, end)));
        return out;
    }

    private static List<String> regexPieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = O200K.matcher(text);
        int last = 0;
        while (m.find()) {
            // Every character starts a piece: the regex never skips one.
            assertThat(m.start())
                    .as("regex skipped characters in %s", escape(text))
                    .isEqualTo(last);
            out.add(m.group());
            last = m.end();
        }
        assertThat(last).isEqualTo(text.length());
        return out;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('"').toString();
    }
}
