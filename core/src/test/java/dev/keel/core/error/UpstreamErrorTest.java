package dev.keel.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstreamErrorTest {

    private static UpstreamError of(String body) {
        return UpstreamError.of(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void of_openAiError_readsEveryField() {
        UpstreamError e = of("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,"
                + "\"code\":\"rate_limit_exceeded\"}}");
        assertThat(e)
                .extracting("message", "type", "param", "code", "openAiShaped")
                .containsExactly("Rate limit reached", "requests", null, "rate_limit_exceeded", true);
        assertThat(e.describe()).isEqualTo("Rate limit reached");
    }

    @Test
    void of_openAiErrorWithoutMessage_describesByTheBodyNotNoMessage() {
        UpstreamError e = of("{\"error\":{\"code\":\"server_overloaded\"}}");
        assertThat(e.code()).isEqualTo("server_overloaded");
        assertThat(e.describe())
                .isEqualTo("{\"error\":{\"code\":\"server_overloaded\"}}")
                .doesNotContain("no message");
    }

    @Test
    void of_vllmTopLevelError_readsFieldsAndANumericCode() {
        UpstreamError e = of("{\"object\":\"error\",\"message\":\"The model `x` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}");
        assertThat(e)
                .extracting("message", "type", "code", "openAiShaped")
                .containsExactly("The model `x` does not exist.", "NotFoundError", "404", false);
    }

    @Test
    void of_ollamaStringError_readsItAsTheMessage() {
        assertThat(of("{\"error\":\"model 'llama3' not found\"}").message()).isEqualTo("model 'llama3' not found");
    }

    @Test
    void of_problemJson_readsTitleAndDetail() {
        assertThat(of("{\"title\":\"Bad Request\",\"detail\":\"input is required\",\"status\":400}")
                        .message())
                .isEqualTo("Bad Request: input is required");
        assertThat(of("{\"detail\":\"Not Found\"}").message()).isEqualTo("Not Found");
    }

    @Test
    void of_emptyOrNull_hasNoBodyAndSaysSo() {
        assertThat(UpstreamError.of(new byte[0]).rawBody()).isNull();
        assertThat(UpstreamError.of(null).describe()).isEqualTo("(empty body)");
    }

    @Test
    void describe_longPlainText_isOneLineCutAt200Characters() {
        String d = of("line one\n" + "y".repeat(500)).describe();
        assertThat(d).startsWith("line one yyy").endsWith("…").hasSize(201).doesNotContain("\n");
    }
}
