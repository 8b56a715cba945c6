package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeelResponseTest {

    private static KeelResponse of(String body) {
        return new KeelResponse(200, body.getBytes(StandardCharsets.UTF_8), "req_1", "HTTP/2.0", 1, null);
    }

    @Test
    void outputText_severalMessagesAndParts_concatenatesOnlyOutputTextInOrder() {
        var r = of("""
                {"output":[
                  {"type":"reasoning","summary":[{"type":"summary_text","text":"thinking"}]},
                  {"type":"message","content":[{"type":"output_text","text":"Hello, "},
                                               {"type":"refusal","refusal":"no"},
                                               {"type":"output_text","text":"world"}]},
                  {"type":"function_call","name":"f","arguments":"{}","call_id":"c1"},
                  {"type":"message","content":[{"type":"output_text","text":"!"}]}]}""");
        assertThat(r.outputText()).isEqualTo("Hello, world!");
    }

    @Test
    void outputText_bodyOfAnotherShape_isEmpty() {
        assertThat(of("{\"object\":\"list\",\"data\":[]}").outputText()).isEmpty();
    }
}
