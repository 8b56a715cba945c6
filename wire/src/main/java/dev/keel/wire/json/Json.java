package dev.keel.wire.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration keel uses for the OpenAI wire format.
 *
 * <p>Unknown properties are ignored (the API adds fields without notice), numbers keep their
 * precision, and output is compact. The shared mapper is thread-safe once built; never reconfigure
 * it.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {}

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new empty JSON object. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A new empty JSON array. */
    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /**
     * Parses JSON text.
     *
     * @throws JsonSyntaxException when {@code text} is not one well-formed JSON value; the message
     *     names the line and column
     */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new JsonSyntaxException("empty input: expected a JSON value", 1, 1);
            }
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new JsonSyntaxException(
                    e.getOriginalMessage(), loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr());
        }
    }

    /** Parses JSON bytes (UTF-8). @throws JsonSyntaxException as {@link #parse(String)} */
    public static JsonNode parse(byte[] utf8) {
        return parse(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Compact JSON text of a node or a value Jackson can serialise. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact UTF-8 JSON bytes of a node or a value Jackson can serialise. */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
