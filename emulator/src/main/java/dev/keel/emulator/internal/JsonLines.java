package dev.keel.emulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a JSONL file one line at a time, as strictly as the Batch API reads its input: each
 * non-blank line must be exactly one JSON object in valid UTF-8 — no byte order mark, nothing but
 * JSON whitespace after the object (no garbage, no NULs), not an array or a scalar. Lines end at
 * {@code \n}; a {@code \r} before it is JSON whitespace. Only one line is decoded at a time, so
 * reading a file never holds a second copy of it. Stateless and thread-safe.
 */
final class JsonLines {

    /** One non-blank line, numbered from 1 as an editor shows it. */
    sealed interface Line permits Parsed, Invalid {
        int number();
    }

    /** A line that is one JSON object. */
    record Parsed(int number, ObjectNode value) implements Line {}

    /** A line that is not; {@code reason} says why, for the emulator's logs and tests. */
    record Invalid(int number, String reason) implements Line {}

    private static final ObjectReader STRICT =
            Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {}

    /** Calls {@code visitor} with each non-blank line of {@code input}, in order. */
    static void forEach(byte[] input, Consumer<Line> visitor) {
        int start = 0;
        int number = 1;
        while (start <= input.length) {
            int end = start;
            while (end < input.length && input[end] != '\n') {
                end++;
            }
            if (!blank(input, start, end)) {
                visitor.accept(read(input, start, end, number));
            }
            start = end + 1;
            number++;
        }
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static Line read(byte[] b, int from, int to, int number) {
        if (from == 0 && to >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return new Invalid(number, "the file starts with a UTF-8 byte order mark");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Invalid(number, "the line is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            return new Invalid(number, e.getOriginalMessage());
        }
        if (node instanceof ObjectNode o) {
            return new Parsed(number, o);
        }
        return new Invalid(
                number,
                "the line is a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + ", not an object");
    }
}
