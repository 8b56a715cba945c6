package dev.keel.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.cost.TokenUsage;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A buffered answer's usage, read in place, is what {@link TokenUsage#fromJson} reads from the parsed tree. */
class GenAiResponseTest {

    private static GenAiResponse read(String json) {
        GenAiResponse r = GenAiResponse.of(json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.usage())
                .as("in place as parsed: %s", json)
                .isEqualTo(TokenUsage.fromJson(Json.parse(json).get("usage")));
        return r;
    }

    @Test
    void responsesUsage_withCachedAndWrittenInput() {
        var r = read("{\"id\":\"resp_1\",\"model\":\"gpt-4.1-mini-2025-04-14\",\"service_tier\":\"flex\","
                + "\"output\":[{\"type\":\"message\",\"content\":[{\"text\":\"usage: not this\"}]}],"
                + "\"usage\":{\"input_tokens\":120,\"input_tokens_details\":{\"cached_tokens\":64,"
                + "\"cache_write_tokens\":16},\"output_tokens\":9,\"output_tokens_details\":{\"reasoning_tokens\":0},"
                + "\"total_tokens\":129}}");
        assertThat(r.usage()).isEqualTo(new TokenUsage(120, 64, 16, 9));
        assertThat(r.id()).isEqualTo("resp_1");
        assertThat(r.model()).isEqualTo("gpt-4.1-mini-2025-04-14");
        assertThat(r.serviceTier()).isEqualTo("flex");
    }

    @Test
    void chatAndEmbeddingsUsage() {
        assertThat(read("{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4.1\",\"usage\":{\"prompt_tokens\":30,"
                                + "\"completion_tokens\":7,\"total_tokens\":37,\"prompt_tokens_details\":"
                                + "{\"cached_tokens\":10}}}")
                        .usage())
                .isEqualTo(new TokenUsage(30, 10, 0, 7));
        assertThat(read("{\"object\":\"list\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}")
                        .usage())
                .isEqualTo(new TokenUsage(5, 0, 0, 0));
    }

    @Test
    void cachedBeyondInput_isClamped_andNoUsageIsNull() {
        assertThat(read("{\"usage\":{\"input_tokens\":3,\"input_tokens_details\":{\"cached_tokens\":9},"
                                + "\"output_tokens\":1}}")
                        .usage())
                .isEqualTo(new TokenUsage(3, 3, 0, 1));
        assertThat(GenAiResponse.of("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                        .usage())
                .isNull();
    }

    @Test
    void theSameAnswerReadTwice_isTheSameRead_andAnotherAnswerWithTheSameBytesIsReadAfresh() {
        byte[] a = "{\"id\":\"resp_a\",\"usage\":{\"input_tokens\":2,\"output_tokens\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] b = "{\"id\":\"resp_b\",\"usage\":{\"input_tokens\":4,\"output_tokens\":3}}"
                .getBytes(StandardCharsets.UTF_8);
        GenAiResponse first = GenAiResponse.of(a);
        assertThat(GenAiResponse.of(a)).isSameAs(first);
        assertThat(GenAiResponse.of(b).id()).isEqualTo("resp_b");
        assertThat(GenAiResponse.of(a.clone())).isEqualTo(first).isNotSameAs(first);
    }
}
