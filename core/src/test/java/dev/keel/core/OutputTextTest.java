package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.http.HttpCall;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KeelResponse#outputText()} on Responses answers from the emulator. */
class OutputTextTest {

    private static final String TOOL = "{\"model\":\"gpt-4.1-mini\",\"input\":\"What is the weather in Oslo?\","
            + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather by city\","
            + "\"strict\":true,\"parameters\":{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}}]}";

    private Emulator emulator;
    private KeelClient client;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        client = KeelClient.builder(KeelClientConfig.builder("sk-test-output-text", emulator.baseUrl())
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    private KeelResponse create(String body, String fault) {
        var call = HttpCall.postJson("/responses", Json.writeBytes(Json.parse(body)));
        return client.send(
                fault == null ? call : call.withHeader(Emulator.FAULT_HEADER, fault), CallOptions.defaults());
    }

    @Test
    void outputText_textAnswer_isTheMessagesOutputText() {
        KeelResponse r = create("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}", null);
        JsonNode message = r.json().path("output").get(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(r.outputText())
                .isNotEmpty()
                .isEqualTo(message.at("/content/0/text").asText());
    }

    @Test
    void outputText_refusal_isEmpty_andTheRefusalStaysInTheBody() {
        KeelResponse r = create("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}", "bad-sample:refusal");
        assertThat(r.outputText()).isEmpty();
        assertThat(r.json().at("/output/0/content/0/type").asText()).isEqualTo("refusal");
    }

    @Test
    void outputText_onlyAToolCall_isEmpty() {
        KeelResponse r = create(TOOL, null);
        assertThat(r.json().at("/output/0/type").asText()).isEqualTo("function_call");
        assertThat(r.outputText()).isEmpty();
    }
}
