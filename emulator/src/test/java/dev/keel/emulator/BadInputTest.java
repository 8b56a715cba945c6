package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets the right status and an OpenAI-shaped error that names what is wrong. */
class BadInputTest {

    private static Emulator emulator;
    private static EmulatorHttp http;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorConfig.builder().maxFileBytes(1024).build());
        http = new EmulatorHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static void assertError(EmulatorHttp.Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        var error = reply.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void malformedJsonBody_answers400() {
        var reply = http.post("/responses", "{\"model\": \"gpt-4.1-mini\", ");
        assertError(reply, 400, "invalid_request_error");
        assertThat(reply.json().at("/error/message").asText()).contains("could not parse the JSON body");
    }

    @Test
    void bodyNotAnObject_answers400() {
        assertError(http.post("/responses", "[1,2]"), 400, "invalid_request_error");
    }

    @Test
    void missingModel_answers400NamingModel() {
        var reply = http.post("/responses", "{\"input\":\"hi\"}");
        assertError(reply, 400, "invalid_request_error");
        assertThat(reply.json().at("/error/param").asText()).isEqualTo("model");
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("missing_required_parameter");
    }

    @Test
    void unknownRoute_answers404NamingTheUrl() {
        var reply = http.post("/completions/nothing", "{}");
        assertError(reply, 404, "invalid_request_error");
        assertThat(reply.json().at("/error/message").asText()).isEqualTo("Invalid URL (POST /v1/completions/nothing)");
    }

    @Test
    void oversizedFile_answers413AndStoresNothing() {
        int before = http.get("/files").json().get("data").size();
        var reply = http.upload("big.jsonl", new byte[2048], "purpose", "batch");
        assertError(reply, 413, "invalid_request_error");
        assertThat(reply.json().at("/error/message").asText()).contains("maximum is 1024 bytes");
        assertThat(http.get("/files").json().get("data").size()).isEqualTo(before);
    }

    @Test
    void uploadNotMultipart_answers400() {
        assertError(http.post("/files", "{\"purpose\":\"batch\"}"), 400, "invalid_request_error");
    }
}
