package dev.keel.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonPeekTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void string_ofATopLevelMember_isItsValue_andNullOtherwise() {
        byte[] body = json("{\"input\":{\"model\":\"inner\"},\"model\":\"gpt-4.1-mini\",\"n\":2}");

        assertThat(JsonPeek.string(body, "model")).isEqualTo("gpt-4.1-mini");
        assertThat(JsonPeek.string(body, "n")).isNull();
        assertThat(JsonPeek.string(body, "missing")).isNull();
        assertThat(JsonPeek.string(json("[1]"), "model")).isNull();
    }

    @Test
    void isTrue_onlyForTheLiteralTrueAtTheTop() {
        assertThat(JsonPeek.isTrue(json("{\"stream\": true}"), "stream")).isTrue();
        assertThat(JsonPeek.isTrue(json("{\"stream\":false}"), "stream")).isFalse();
        assertThat(JsonPeek.isTrue(json("{\"stream\":\"true\"}"), "stream")).isFalse();
        assertThat(JsonPeek.isTrue(json("{\"o\":{\"stream\":true}}"), "stream")).isFalse();
        assertThat(JsonPeek.isTrue(json("{}"), "stream")).isFalse();
    }

    @Test
    void hasObjectNearEnd_seesATopLevelObjectOnly() {
        assertThat(JsonPeek.hasObjectNearEnd(json("{\"id\":\"x\",\"usage\":{\"input_tokens\":3}}"), "usage"))
                .isTrue();
        assertThat(JsonPeek.hasObjectNearEnd(json("{\"usage\":null}"), "usage")).isFalse();
        assertThat(JsonPeek.hasObjectNearEnd(json("{\"choices\":[{\"usage\":{}}]}"), "usage"))
                .isFalse();
    }
}
