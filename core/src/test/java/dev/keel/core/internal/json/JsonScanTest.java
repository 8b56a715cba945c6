package dev.keel.core.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonScanTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void string_findsTheTopLevelMember_skippingNestedOnesAndStringsThatLookLikeKeys() {
        byte[] json = utf8("{ \"input\" : [{\"model\":\"nested\"}, \"\\\"model\\\":\\\"fake\\\"\"],"
                + " \"meta\": {\"a\": [1, {\"b\": \"}]\"}]}, \"model\"\t:\n\"gpt-4.1-mini\", \"n\": 3}");
        assertThat(JsonScan.string(json, "model")).isEqualTo("gpt-4.1-mini");
        assertThat(JsonScan.string(json, "n")).as("not a string").isNull();
        assertThat(JsonScan.string(json, "absent")).isNull();
    }

    @Test
    void string_decodesEscapes_andRefusesWhatIsNotAnObject() {
        assertThat(JsonScan.string(utf8("{\"model\":\"gpt\\u002d4o \\\"x\\\"\"}"), "model"))
                .isEqualTo("gpt-4o \"x\"");
        assertThat(JsonScan.string(utf8("[\"model\"]"), "model")).isNull();
        assertThat(JsonScan.string(utf8("not json"), "model")).isNull();
        assertThat(JsonScan.string(utf8("{\"model\":\"unterminated"), "model")).isNull();
        assertThat(JsonScan.string(utf8("{\"xmodel\":\"a\",\"a\\\"model\":\"b\"}"), "model"))
                .isNull();
        assertThat(JsonScan.string(new byte[0], "model")).isNull();
        assertThat(JsonScan.string(utf8("{\"k\":\"a\\\\\",\"model\":\"m\"}"), "model"))
                .as("a string ending in an escaped backslash ends at its quote")
                .isEqualTo("m");
    }

    @Test
    void longValue_readsNumbersInsideANestedObject() {
        byte[] json = utf8("{\"output\":[{\"usage\":{\"input_tokens\":1}}],\"usage\":{\"input_tokens\":1200,"
                + "\"input_tokens_details\":{\"cached_tokens\":200},\"output_tokens\":35},\"user\":null}");
        long usage = JsonScan.member(json, "usage");
        int s = JsonScan.start(usage);
        int e = JsonScan.end(usage);
        assertThat(JsonScan.longValue(json, s, e, "input_tokens")).isEqualTo(1200);
        assertThat(JsonScan.longValue(json, s, e, "output_tokens")).isEqualTo(35);
        long details = JsonScan.member(json, s, e, "input_tokens_details");
        assertThat(JsonScan.longValue(json, JsonScan.start(details), JsonScan.end(details), "cached_tokens"))
                .isEqualTo(200);
        assertThat(JsonScan.longValue(json, s, e, "missing")).isZero();
    }

    @Test
    void memberFromEnd_findsTheTopLevelMember_notNestedOnesOrTextThatLooksLikeOne() {
        byte[] json = utf8("{\"output\":[{\"usage\":{\"input_tokens\":1}}],\"text\":\"\\\"usage\\\":{} \\\\\","
                + " \"usage\" :\n {\"input_tokens\":7} , \"metadata\":{\"usage\":\"x\"}, \"n\": \"usage\" }\n");
        long usage = JsonScan.memberFromEnd(json, "usage");
        assertThat(new String(json, JsonScan.start(usage), JsonScan.end(usage) - JsonScan.start(usage), UTF_8))
                .isEqualTo("{\"input_tokens\":7}");
        assertThat(usage).isEqualTo(JsonScan.member(json, "usage"));
        assertThat(JsonScan.memberFromEnd(json, "absent")).isEqualTo(-1);
        assertThat(JsonScan.memberFromEnd(utf8("[{\"usage\":1}]"), "usage"))
                .as("not an object")
                .isEqualTo(-1);
        assertThat(JsonScan.memberFromEnd(utf8("usage"), "usage")).isEqualTo(-1);
        assertThat(JsonScan.memberFromEnd(utf8("{\"usage\":1,\"usage\":2}"), "usage"))
                .as("a name given twice: the last, as Jackson keeps")
                .isEqualTo(JsonScan.range(19, 20));
        assertThat(JsonScan.memberFromEnd(utf8("  {\"a\":\"unterminated}"), "a"))
                .isEqualTo(-1);
        assertThat(JsonScan.memberFromEnd(new byte[0], "usage")).isEqualTo(-1);
    }

    /**
     * Random objects (nested containers, strings full of quotes, backslashes, braces and colons,
     * compact and pretty-printed): scanning from the end finds exactly what the forward scan finds.
     */
    @Test
    void memberFromEnd_agreesWithTheForwardScan_onRandomObjects() throws Exception {
        var random = new java.util.Random(20261124);
        var mapper = Json.mapper();
        for (int n = 0; n < 2_000; n++) {
            var object = randomObject(random, mapper, 0);
            String text = n % 2 == 0
                    ? mapper.writeValueAsString(object)
                    : mapper.writerWithDefaultPrettyPrinter().writeValueAsString(object);
            byte[] json = utf8(text);
            var names = new java.util.ArrayList<String>();
            object.fieldNames().forEachRemaining(names::add);
            names.add("absent");
            for (String name : names) {
                assertThat(JsonScan.memberFromEnd(json, name))
                        .as("member %s of %s", name, text)
                        .isEqualTo(JsonScan.member(json, name));
            }
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode randomObject(
            java.util.Random random, com.fasterxml.jackson.databind.ObjectMapper mapper, int depth) {
        var object = mapper.createObjectNode();
        int members = random.nextInt(6);
        for (int i = 0; i < members; i++) {
            object.set(randomText(random, 4), randomValue(random, mapper, depth + 1));
        }
        return object;
    }

    private static com.fasterxml.jackson.databind.JsonNode randomValue(
            java.util.Random random, com.fasterxml.jackson.databind.ObjectMapper mapper, int depth) {
        int kind = random.nextInt(depth > 3 ? 4 : 6);
        return switch (kind) {
            case 0 -> mapper.getNodeFactory().textNode(randomText(random, 12));
            case 1 -> mapper.getNodeFactory().numberNode(random.nextInt(1000) - 500);
            case 2 -> mapper.getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> mapper.getNodeFactory().nullNode();
            case 4 -> randomObject(random, mapper, depth);
            default -> {
                var array = mapper.createArrayNode();
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    array.add(randomValue(random, mapper, depth + 1));
                }
                yield array;
            }
        };
    }

    /** Short text from an alphabet heavy in JSON's own punctuation, so escapes and look-alike keys are common. */
    private static String randomText(java.util.Random random, int maxLength) {
        String alphabet = "ab\"\\{}[]:, usage";
        var sb = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
