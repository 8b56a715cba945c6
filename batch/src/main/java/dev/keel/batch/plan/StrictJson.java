package dev.keel.batch.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one input line as strictly as the upstream will: UTF-8 only (an invalid byte is refused
 * with its offset), exactly one JSON value (any byte after it other than whitespace — garbage, a
 * second object, NULs — is refused with its offset) and no duplicate keys (which parsers resolve
 * differently). Jackson's defaults allow all three, and they are how a line passes keel's check
 * yet fails its whole batch upstream. Stateless and thread-safe.
 *
 * <p>{@link #parseAccepted} is the planner's fast way for the common case, a line that passes: it
 * checks the bytes as UTF-8 without decoding them and lets Jackson parse the bytes, and answers only
 * when the line is certainly accepted, with the same tree; for anything else it answers null, and
 * {@link #utf8} and {@link #parse} give the refusal and its exact message as before.
 */
final class StrictJson {

    /**
     * keel's mapper, keeping decimals as written ({@code 0.50} stays {@code 0.50}, {@code 1.0} does not
     * become {@code 1}), so the canonical line differs from the input only in whitespace and escapes.
     */
    private static final ObjectReader EXACT = Json.mapper().reader().with(JsonNodeFactory.withExactBigDecimals(true));

    private StrictJson() {}

    /** Why a line was refused; the message is the reason printed after {@code file:line}. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code raw} decoded as UTF-8. @throws Refusal at the first invalid byte, naming its offset */
    static String utf8(byte[] raw) throws Refusal {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new Refusal(String.format(
                    "not UTF-8: invalid byte 0x%02X at byte offset %d of the line; save the file as UTF-8",
                    raw[in.position()] & 0xFF, in.position()));
        }
    }

    /**
     * The one JSON value of {@code text}, or null when it holds none.
     *
     * @throws Refusal when it is not JSON, has a duplicate key, or has bytes after the value
     */
    static JsonNode parse(String text) throws Refusal {
        try (JsonParser p = Json.mapper().getFactory().createParser(text)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode value;
            try {
                value = EXACT.readTree(p);
            } catch (JsonProcessingException e) {
                String m = e.getOriginalMessage();
                if (m != null && m.startsWith("Duplicate field")) {
                    throw new Refusal("duplicate key: " + m.replace("Duplicate field", "the field")
                            + " appears twice in one object; keep one");
                }
                throw new Refusal("not valid JSON: " + m);
            } catch (NumberFormatException e) {
                // A number Jackson reads but BigDecimal cannot hold (an exponent of ten digits, say).
                throw new Refusal("not valid JSON: " + e.getMessage());
            }
            if (value == null) {
                return null;
            }
            long end = byteOffset(text, p.currentLocation());
            JsonToken next;
            try {
                next = p.nextToken();
            } catch (JsonProcessingException e) {
                next = JsonToken.NOT_AVAILABLE;
            }
            if (next != null) {
                throw new Refusal("trailing bytes after the JSON value, from byte offset " + end
                        + " of the line; a line holds exactly one JSON object and nothing after it");
            }
            return value;
        } catch (IOException e) {
            throw new Refusal("not valid JSON: " + e.getMessage());
        }
    }

    /**
     * The JSON object of {@code raw} when {@code parse(utf8(raw))} certainly gives an object, as the
     * same tree; null otherwise (not UTF-8, not JSON, not an object, a duplicate key, trailing bytes,
     * or a form this way does not take: a NUL byte, which would make Jackson guess UTF-16 or UTF-32,
     * or anything but whitespace before the opening brace, such as a byte order mark).
     */
    static JsonNode parseAccepted(byte[] raw) {
        int i = 0;
        while (i < raw.length && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n')) {
            i++;
        }
        if (i == raw.length || raw[i] != '{' || nulInFirstFour(raw) || !Utf8.isValid(raw)) {
            return null;
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(raw)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode value = EXACT.readTree(p);
            if (value == null || !value.isObject() || p.nextToken() != null) {
                return null;
            }
            return value;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a NUL is among the first four bytes, the ones Jackson reads to guess the encoding: with
     * one there it may take the line for UTF-16 or UTF-32 (and accept a line the exact way refuses);
     * a NUL further on is refused by Jackson's UTF-8 parser itself.
     */
    private static boolean nulInFirstFour(byte[] raw) {
        for (int i = 0; i < Math.min(4, raw.length); i++) {
            if (raw[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code raw}, a line {@link #parseAccepted} took, is already what keel's mapper writes
     * for its tree, so it can stand as the canonical line without writing the tree out: no white
     * space outside strings; strings of printable ASCII without escapes (the mapper escapes control
     * characters and re-escapes others its own way); integers that are not {@code -0}; decimals
     * whose {@code BigDecimal} text is their own ({@code 0.50} is, {@code 1e5} and {@code -0.0}
     * are not). Anything else answers false and the tree is written out.
     */
    static boolean isCompact(byte[] raw) {
        int n = raw.length;
        for (int i = 0; i < n; i++) {
            byte b = raw[i];
            if (b == '"') {
                for (i++; i < n && raw[i] != '"'; i++) {
                    if (raw[i] < 0x20 || raw[i] == '\\' || raw[i] == 0x7F) {
                        return false;
                    }
                }
            } else if (b == '-' || (b >= '0' && b <= '9')) {
                int end = i + 1;
                boolean decimal = false;
                while (end < n && isNumberByte(raw[end])) {
                    decimal |= raw[end] == '.' || raw[end] == 'e' || raw[end] == 'E';
                    end++;
                }
                String number = new String(raw, i, end - i, StandardCharsets.ISO_8859_1);
                if (decimal ? !ownDecimalText(number) : number.equals("-0")) {
                    return false;
                }
                i = end - 1;
            } else if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean ownDecimalText(String number) {
        try {
            return new BigDecimal(number).toString().equals(number);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isNumberByte(byte b) {
        return (b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-';
    }

    private static long byteOffset(String text, JsonLocation at) {
        int chars = (int) Math.min(text.length(), Math.max(0, at.getCharOffset()));
        return text.substring(0, chars).getBytes(StandardCharsets.UTF_8).length;
    }
}
