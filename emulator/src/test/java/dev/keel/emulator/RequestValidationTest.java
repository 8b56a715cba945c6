package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per route: valid requests pass, and one request per error class is refused with the API's exact
 * status, type, code and param; a lenient emulator accepts what the strict one refuses.
 */
class RequestValidationTest {

    private static Emulator emulator;
    private static EmulatorHttp http;

    @BeforeAll
    static void start() {
        emulator = Emulator.start();
        http = new EmulatorHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static void assertRefused(EmulatorHttp.Reply reply, int status, String code, String param) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode error = reply.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).as(reply.body()).isEqualTo(code);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText())
                .as(reply.body())
                .isEqualTo(param);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /responses        | {"model":"gpt-4.1-mini","input":"hi","max_output_tokens":64,"temperature":0.5,"metadata":{"k":"v"},"text":{"format":{"type":"text"},"verbosity":"low"},"store":false,"stream_options":null}
            /responses        | {"model":"gpt-5-mini","input":"hi","reasoning":{"effort":"low"},"include":["reasoning.encrypted_content"],"store":false}
            /responses        | {"model":"gpt-4.1-mini-2025-04-14","input":[{"role":"user","content":"hi"},{"type":"message","role":"user","content":[{"type":"input_text","text":"again"}]}]}
            /responses        | {"model":"ft:gpt-4.1-mini:acme::x1","input":[{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"ok"}]}
            /chat/completions | {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]}],"stream_options":{"include_usage":true},"stream":false,"max_tokens":100}
            /embeddings       | {"model":"text-embedding-3-small","input":["a","b"],"dimensions":256,"encoding_format":"base64"}
            /realtime/client_secrets | {"session":{"type":"realtime","model":"gpt-realtime","instructions":"Be brief"}}
            """)
    void route_validRequest_passes(String path, String body) {
        var reply = http.post(path, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            /responses        | unknown_parameter          | foo                      | {"model":"gpt-4.1-mini","input":"hi","foo":1}
            /responses        | unknown_parameter          | text.foo                 | {"model":"gpt-4.1-mini","input":"hi","text":{"foo":1}}
            /responses        | unknown_parameter          | text.format.foo          | {"model":"gpt-4.1-mini","input":"hi","text":{"format":{"type":"text","foo":1}}}
            /responses        | unknown_parameter          | reasoning.foo            | {"model":"gpt-4.1-mini","input":"hi","reasoning":{"foo":1}}
            /responses        | unknown_parameter          | stream_options.foo       | {"model":"gpt-4.1-mini","input":"hi","stream_options":{"foo":true}}
            /responses        | unknown_parameter          | response_format          | {"model":"gpt-4.1-mini","input":"hi","response_format":{"type":"text"}}
            /responses        | missing_required_parameter | model                    | {"input":"hi"}
            /responses        | missing_required_parameter | text.format.name         | {"model":"gpt-4.1-mini","input":"hi","text":{"format":{"type":"json_schema","schema":{"type":"object"}}}}
            /responses        | missing_required_parameter | tools[0].strict          | {"model":"gpt-4.1-mini","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object"}}]}
            /responses        | invalid_type               | max_output_tokens        | {"model":"gpt-4.1-mini","input":"hi","max_output_tokens":"lots"}
            /responses        | invalid_type               | store                    | {"model":"gpt-4.1-mini","input":"hi","store":"yes"}
            /responses        | invalid_value              | reasoning.effort         | {"model":"gpt-4.1-mini","input":"hi","reasoning":{"effort":"extreme"}}
            /responses        | invalid_value              | tools[0].type            | {"model":"gpt-4.1-mini","input":"hi","tools":[{"type":"magic"}]}
            /responses        | integer_below_min_value    | max_output_tokens        | {"model":"gpt-4.1-mini","input":"hi","max_output_tokens":5}
            /responses        | invalid_value              | max_output_tokens        | {"model":"gpt-4.1-mini","input":"hi","max_output_tokens":1000000000}
            /responses        | decimal_above_max_value    | temperature              | {"model":"gpt-4.1-mini","input":"hi","temperature":3.5}
            /responses        | invalid_function_parameters | tools[0].parameters     | {"model":"gpt-4.1-mini","input":"hi","tools":[{"type":"function","name":"f","strict":true,"parameters":{"type":"object","properties":{"a":{"type":"string"}}}}]}
            /chat/completions | unknown_parameter          | foo                      | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"foo":1}
            /chat/completions | unknown_parameter          | stream_options.foo       | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream_options":{"foo":true}}
            /chat/completions | missing_required_parameter | messages                 | {"model":"gpt-4o-mini"}
            /chat/completions | invalid_type               | n                        | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":"two"}
            /chat/completions | invalid_value              | messages[0].role         | {"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}
            /chat/completions | invalid_function_parameters | tools[0].function.parameters | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}]}
            /embeddings       | unknown_parameter          | foo                      | {"model":"text-embedding-3-small","input":"a","foo":1}
            /embeddings       | missing_required_parameter | input                    | {"model":"text-embedding-3-small"}
            /embeddings       | invalid_value              | encoding_format          | {"model":"text-embedding-3-small","input":"a","encoding_format":"hex"}
            /embeddings       | integer_above_max_value    | dimensions               | {"model":"text-embedding-3-small","input":"a","dimensions":2000000000}
            /embeddings       | array_above_max_length     | input                    | {"model":"text-embedding-3-small","input":"(2,049 items, built below)"}
            /batches          | unknown_parameter          | foo                      | {"input_file_id":"file-x","endpoint":"/v1/responses","completion_window":"24h","foo":1}
            /batches          | missing_required_parameter | completion_window        | {"input_file_id":"file-x","endpoint":"/v1/responses"}
            /batches          | invalid_value              | completion_window        | {"input_file_id":"file-x","endpoint":"/v1/responses","completion_window":"1h"}
            /batches          | invalid_type               | input_file_id            | {"input_file_id":7,"endpoint":"/v1/responses","completion_window":"24h"}
            /realtime/client_secrets | unknown_parameter   | foo                      | {"foo":1}
            """)
    void route_invalidRequest_refusedAsTheApiRefusesIt(String path, String code, String param, String body) {
        if ("array_above_max_length".equals(code)) {
            // a 2,049-item input: one over the spec's maxItems
            body = "{\"model\":\"text-embedding-3-small\",\"input\":[" + "\"a\",".repeat(2048) + "\"a\"]}";
        }
        assertRefused(http.post(path, body), 400, code, param);
    }

    @Test
    void responses_unknownModel_answers404ModelNotFound() {
        var reply = http.post("/responses", "{\"model\":\"gpt-9-imaginary\",\"input\":\"hi\"}");
        assertRefused(reply, 404, "model_not_found", "model");
        assertThat(reply.json().at("/error/message").asText())
                .isEqualTo("The model 'gpt-9-imaginary' does not exist or you do not have access to it.");
    }

    @Test
    void chatAndEmbeddings_unknownModel_answer404ModelNotFound() {
        assertRefused(
                http.post(
                        "/chat/completions",
                        "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                404,
                "model_not_found",
                "model");
        assertRefused(
                http.post("/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}"), 404, "model_not_found", "model");
    }

    @Test
    void files_unknownMultipartField_refusedAsUnknownParameter() {
        var reply =
                http.upload("a.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8), "purpose", "batch", "colour", "blue");
        assertRefused(reply, 400, "unknown_parameter", "colour");
        var ok = http.upload("a.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8), "purpose", "batch");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void models_configured_areKnownWithSnapshotsAndFineTunes() {
        var models = Models.of(java.util.List.of("house-model"));
        assertThat(models.knows("house-model")).isTrue();
        assertThat(models.knows("HOUSE-MODEL-2026-01-02")).isTrue();
        assertThat(models.knows("ft:house-model:acme::abc")).isTrue();
        assertThat(models.knows("gpt-4.1-mini")).isFalse();
        assertThat(Models.ofDefaults().ids()).contains("gpt-4.1-mini", "text-embedding-3-small", "gpt-realtime");
        try (var custom = Emulator.start(EmulatorConfig.builder().models(models).build())) {
            var h = new EmulatorHttp(custom);
            assertThat(h.post("/responses", "{\"model\":\"house-model\",\"input\":\"hi\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(h.post("/responses", Requests.PLAIN).status()).isEqualTo(404);
        }
    }

    @Test
    void lenient_unknownParameterAndModel_accepted() {
        try (var lenient = Emulator.start(EmulatorConfig.builder().lenient(true).build())) {
            var h = new EmulatorHttp(lenient);
            var reply = h.post("/responses", "{\"model\":\"my-experiment\",\"input\":\"hi\",\"foo\":1}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        }
        assertThat(http.post("/responses", "{\"model\":\"my-experiment\",\"input\":\"hi\",\"foo\":1}")
                        .status())
                .isEqualTo(400);
    }
}
