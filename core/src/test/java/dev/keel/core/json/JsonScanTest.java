package dev.keel.core.json;

import static org.assertj.core.api.Assertions.assertThat;

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
}
