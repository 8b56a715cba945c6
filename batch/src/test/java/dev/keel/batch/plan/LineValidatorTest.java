package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.plan.LineCheck.Invalid;
import dev.keel.batch.plan.LineCheck.Valid;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineValidatorTest {

    private final LineValidator validator = new LineValidator(1000);

    private LineCheck check(String line) {
        return validator.check(line.getBytes(StandardCharsets.UTF_8));
    }

    private String reason(String line) {
        return ((Invalid) check(line)).reason();
    }

    @Test
    void aWellFormedLineIsValidWithItsModel() {
        var v = (Valid) check("{\"custom_id\":\"a-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"gpt-4o\",\"messages\":[]}}");
        assertThat(v.customId()).isEqualTo("a-1");
        assertThat(v.model()).isEqualTo("gpt-4o");
        assertThat(v.url()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void notJson() {
        assertThat(reason("{\"custom_id\": \"a\", ")).startsWith("not valid JSON");
        assertThat(((Invalid) check("{oops")).customId()).isNull();
    }

    @Test
    void notAnObject() {
        assertThat(reason("[1,2]")).contains("expected a JSON object");
    }

    @Test
    void missingCustomId() {
        assertThat(reason("{\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"}}"))
                .startsWith("missing custom_id");
        assertThat(reason("{\"custom_id\":\" \",\"method\":\"POST\"}")).startsWith("missing custom_id");
    }

    @Test
    void wrongMethodNamesTheCustomId() {
        var bad = (Invalid)
                check("{\"custom_id\":\"x\",\"method\":\"GET\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"}}");
        assertThat(bad.customId()).isEqualTo("x");
        assertThat(bad.reason()).isEqualTo("method must be \"POST\", was \"GET\"");
    }

    @Test
    void unsupportedUrlListsTheSupportedOnes() {
        assertThat(
                        reason(
                                "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/images/generations\",\"body\":{\"model\":\"m\"}}"))
                .contains("\"/v1/images/generations\" is not supported")
                .contains("/v1/responses, /v1/chat/completions, /v1/embeddings");
    }

    @Test
    void bodyMustBeAnObjectWithAModel() {
        assertThat(reason("{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":\"hi\"}"))
                .startsWith("body must be a JSON object");
        assertThat(
                        reason(
                                "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"input\":\"hi\"}}"))
                .startsWith("body.model is missing");
    }

    @Test
    void streamingIsRefused() {
        assertThat(reason("{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"m\",\"stream\":true}}"))
                .startsWith("body.stream is true");
    }

    @Test
    void extraPropertiesAreRefused() {
        assertThat(reason(
                        "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"m\"},"
                                + "\"priority\":1}"))
                .startsWith("unexpected property 'priority'");
    }

    @Test
    void anOverlongLineSaysHowLongItIs() {
        var bad = (Invalid) validator.check(new byte[10], 5000);
        assertThat(bad.reason()).startsWith("line is 5000 bytes, over the 1000-byte limit");
    }

    @Test
    void aValidLine_comesBackCanonical_compactWithKeyOrderAndNumbersKept() {
        var v = (Valid)
                check(
                        "{ \"custom_id\": \"a\", \"method\": \"POST\", \"url\": \"/v1/responses\", \"body\":"
                                + " {\"model\": \"m\", \"temperature\": 0.50, \"top_p\": 1.0, \"k\": 100.0, \"e\": 1e5, \"n\": 12345678901234567890, \"s\": \"caf\\u00e9 \\/\"} }");
        assertThat(new String(v.canonical(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                                + "{\"model\":\"m\",\"temperature\":0.50,\"top_p\":1.0,\"k\":100.0,\"e\":1E+5,\"n\":12345678901234567890,\"s\":\"café /\"}}");
    }

    @Test
    void aDuplicateKey_inANestedObject_isRefused() {
        assertThat(reason("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"m\",\"text\":{\"format\":1,\"format\":2}}}"))
                .startsWith("duplicate key: the field 'format' appears twice");
    }

    @Test
    void aLoneSurrogateEscape_staysAnEscape_soTheCanonicalLineIsValidUtf8() throws Exception {
        var v = (Valid) check("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                + "\"body\":{\"model\":\"m\",\"input\":\"\\ud800\"}}");
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(v.canonical()));
        assertThat(new String(v.canonical(), StandardCharsets.UTF_8)).containsIgnoringCase("\"input\":\"\\ud800\"");
    }
}
