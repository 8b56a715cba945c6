package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.plan.LineCheck.Invalid;
import dev.keel.batch.plan.LineCheck.Valid;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner's fast way of reading a line (bytes checked as UTF-8, parsed by Jackson as bytes)
 * against the exact way (decoded, then parsed as text): for every line, valid or not, the same
 * answer, the same canonical bytes, the same refusal.
 */
class FastParseTest {

    private final LineValidator validator = new LineValidator(100_000);

    private static final String HEAD = "{\"custom_id\":\"a-1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":";

    static List<String> corpus() {
        var lines = new ArrayList<String>();
        String[] bodies = {
            "{\"model\":\"gpt-4.1-mini\",\"input\":\"hello\"}",
            "{\"model\":\"m\",\"input\":\"café 中文 😀 \\u00e9 \\ud83d\\ude00 \\n\\t\\\"\\\\\\/\"}",
            "{\"model\":\"m\",\"input\":\"\\ud800 lone\"}",
            "{\"model\":\"m\",\"input\":\"\\udc00\\ud800\"}",
            "{\"model\":\"m\",\"a\":1.0,\"b\":1e5,\"c\":-0,\"d\":-0.0,\"e\":1E-7,\"f\":12345678901234567890,\"g\":0.50,"
                    + "\"h\":100.0,\"i\":1.5e300,\"j\":-12,\"k\":9223372036854775807,\"l\":9223372036854775808,"
                    + "\"m\":2147483648,\"n\":0,\"o\":1E+2,\"p\":123456789012345678901234567890.123456789}",
            "{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":{\"a\":[1,[2,[3,{}]],[]]}}}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],"
                    + "\"stream\":false,\"x\":null,\"y\":true}",
            "{\"model\":\"m\",\"stream\":true}",
            "{\"model\":\"m\",\"text\":{\"format\":1,\"format\":2}}",
            "{\"input\":\"no model\"}",
            "\"not an object\"",
            "{\"model\":\" \"}",
            "{\"model\":\"m\",\"s\":\"\u0000\"}",
            "{\"model\":\"m\",\"s\":\"tab\there\"}",
        };
        for (String b : bodies) {
            lines.add(HEAD + b + "}");
            lines.add("  " + HEAD.replace(",", " , ").replace(":", " : ") + b + " }\t");
        }
        String[] numbers = {
            "0",
            "-0",
            "-1",
            "12",
            "0.50",
            "1.0",
            "100.0",
            "-0.0",
            "0.0",
            "1e5",
            "1E+5",
            "1E5",
            "0.0000001",
            "0.000001",
            "1.5e300",
            "12345678901234567890",
            "-9223372036854775809",
            "123.456e-2",
            "1E-7",
            "10.10"
        };
        for (String number : numbers) {
            lines.add(HEAD + "{\"model\":\"m\",\"t\":" + number + ",\"a\":[" + number + "," + number + "]}}");
        }
        for (String text :
                new String[] {"plain", "caf\u00e9", "café", "a\\/b", "tab\\t", "\\u0041", "\u007f", "~!@#$%^&*()"}) {
            lines.add(HEAD + "{\"model\":\"m\",\"input\":\"" + text + "\",\"" + text + "\":{}}}");
        }
        lines.add("\uFEFF" + HEAD + bodies[0] + "}");
        lines.add(HEAD + bodies[0] + "}x");
        lines.add(HEAD + bodies[0] + "}{}");
        lines.add(HEAD + bodies[0] + "} \u0000");
        lines.add(HEAD + bodies[0]);
        lines.add("");
        lines.add("   ");
        lines.add("[1,2]");
        lines.add("null");
        lines.add("{oops");
        lines.add(
                "{\"custom_id\":\"a\",\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{}}");
        lines.add("{\"custom_id\":\"x\",\"method\":\"GET\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"}}");
        lines.add("{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/images\",\"body\":{\"model\":\"m\"}}");
        lines.add(
                "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"},\"z\":1}");
        lines.add("{\"custom_id\":\"\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"}}");
        lines.add(
                "{\"custom_id\":\"a\\u0000b\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"}}");
        lines.add(
                "{\"custom_id\":7,\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":[1,2]}}");
        return lines;
    }

    private void sameAnswer(byte[] raw) {
        LineCheck fast = validator.check(raw);
        LineCheck exact = validator.checkStrictly(raw);
        String shown = new String(raw, StandardCharsets.ISO_8859_1);
        switch (exact) {
            case Valid e -> {
                assertThat(fast).as(shown).isInstanceOf(Valid.class);
                Valid f = (Valid) fast;
                assertThat(f.customId()).as(shown).isEqualTo(e.customId());
                assertThat(f.url()).as(shown).isEqualTo(e.url());
                assertThat(f.model()).as(shown).isEqualTo(e.model());
                assertThat(f.body()).as(shown).isEqualTo(e.body());
                assertThat(f.canonical()).as(shown).isEqualTo(e.canonical());
            }
            case Invalid e -> assertThat(fast).as(shown).isEqualTo(e);
        }
    }

    @Test
    void everyLineOfTheCorpus_getsTheExactWaysAnswer() {
        int valid = 0;
        for (String line : corpus()) {
            byte[] raw = line.getBytes(StandardCharsets.UTF_8);
            sameAnswer(raw);
            valid += validator.check(raw) instanceof Valid ? 1 : 0;
        }
        assertThat(valid)
                .as("the corpus has valid lines for the fast way to take")
                .isGreaterThanOrEqualTo(14);
    }

    @Test
    void aLineInUtf16OrUtf32_whichJacksonWouldGuessFromItsNulBytes_getsTheExactWaysRefusal() {
        String line = HEAD + "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\"}}";
        for (var charset : List.of(
                StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16BE,
                java.nio.charset.Charset.forName("UTF-32LE"),
                java.nio.charset.Charset.forName("UTF-32BE"))) {
            byte[] raw = line.getBytes(charset);
            assertThat(validator.checkStrictly(raw)).as(charset.name()).isInstanceOf(Invalid.class);
            sameAnswer(raw);
        }
    }

    @Test
    void numbersAndEscapes_comeBackAsTheTreeWroteThem() {
        byte[] raw = (HEAD + "{\"model\":\"m\",\"a\":1.0,\"b\":1e5,\"c\":-0,\"d\":0.50,\"s\":\"caf\\u00e9 \\/ 😀\"}}")
                .getBytes(StandardCharsets.UTF_8);
        var v = (Valid) validator.check(raw);
        assertThat(new String(v.canonical(), StandardCharsets.UTF_8))
                .isEqualTo(HEAD
                        + "{\"model\":\"m\",\"a\":1.0,\"b\":1E+5,\"c\":0,\"d\":0.50,\"s\":\"café / \\uD83D\\uDE00\"}}");
        assertThat(v.canonical()).isEqualTo(((Valid) validator.checkStrictly(raw)).canonical());
    }

    @Test
    void aCompactLine_isItsOwnCanonicalForm_andAnythingElseIsWrittenOut() {
        String compact = HEAD + "{\"model\":\"m\",\"t\":0.50,\"n\":[1,-2,null,true],\"s\":\"a b\"}}";
        assertThat(StrictJson.isCompact(compact.getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        for (String other : new String[] {
            HEAD + " {\"model\":\"m\"}}",
            HEAD + "{\"model\":\"m\",\"t\":1e5}}",
            HEAD + "{\"model\":\"m\",\"t\":-0}}",
            HEAD + "{\"model\":\"m\",\"t\":-0.0}}",
            HEAD + "{\"model\":\"m\",\"s\":\"\\/\"}}",
            HEAD + "{\"model\":\"m\",\"s\":\"é\"}}"
        }) {
            byte[] raw = other.getBytes(StandardCharsets.UTF_8);
            assertThat(StrictJson.isCompact(raw)).as(other).isFalse();
            sameAnswer(raw);
        }
    }

    @Test
    void aNumberBigDecimalCannotHold_isALineProblem_notACrash() {
        String line = HEAD + "{\"model\":\"m\",\"t\":1234567e901234567890}}";
        var bad = (Invalid) validator.check(line.getBytes(StandardCharsets.UTF_8));
        assertThat(bad.reason()).startsWith("not valid JSON: ").contains("1234567e901234567890");
    }

    @Test
    void mutatedLines_invalidUtf8AndBrokenJson_getTheExactWaysAnswer() {
        var random = new Random(20261203);
        List<String> corpus = corpus();
        byte[] odd = {
            (byte) 0x80,
            (byte) 0xBF,
            (byte) 0xC0,
            (byte) 0xC1,
            (byte) 0xC2,
            (byte) 0xDF,
            (byte) 0xE0,
            (byte) 0xED,
            (byte) 0xEF,
            (byte) 0xF0,
            (byte) 0xF4,
            (byte) 0xF5,
            (byte) 0xFE,
            (byte) 0xFF,
            (byte) 0xA0,
            (byte) 0x9F,
            (byte) 0x8F,
            (byte) 0x90,
            0,
            '"',
            '\\',
            '{',
            '}',
            ',',
            ':',
            'e',
            '.',
            '-',
            '1',
            ' '
        };
        for (int round = 0; round < 20_000; round++) {
            byte[] raw = corpus.get(random.nextInt(corpus.size())).getBytes(StandardCharsets.UTF_8);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && raw.length > 0; e++) {
                int at = random.nextInt(raw.length);
                byte b = odd[random.nextInt(odd.length)];
                raw = switch (random.nextInt(3)) {
                    case 0 -> {
                        raw[at] = b;
                        yield raw;
                    }
                    case 1 -> insert(raw, at, b);
                    default -> remove(raw, at);
                };
            }
            sameAnswer(raw);
        }
    }

    @Test
    void utf8Check_agreesWithTheJdksDecoder_onEveryTwoAndThreeByteSequence() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                agrees(new byte[] {(byte) a, (byte) b});
                agrees(new byte[] {(byte) a, (byte) b, (byte) 0x80});
                agrees(new byte[] {(byte) a, (byte) b, (byte) 0x80, (byte) 0x80});
                agrees(new byte[] {(byte) a, (byte) b, (byte) 0xBF, (byte) 0xBF});
                agrees(new byte[] {(byte) a, (byte) b, 'x'});
            }
        }
    }

    private static void agrees(byte[] raw) {
        boolean jdk;
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            jdk = true;
        } catch (CharacterCodingException e) {
            jdk = false;
        }
        assertThat(Utf8.isValid(raw))
                .as(java.util.HexFormat.of().formatHex(raw))
                .isEqualTo(jdk);
    }

    private static byte[] insert(byte[] raw, int at, byte b) {
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(raw, at, out, at + 1, raw.length - at);
        return out;
    }

    private static byte[] remove(byte[] raw, int at) {
        byte[] out = new byte[raw.length - 1];
        System.arraycopy(raw, 0, out, 0, at);
        System.arraycopy(raw, at + 1, out, at, raw.length - at - 1);
        return out;
    }
}
