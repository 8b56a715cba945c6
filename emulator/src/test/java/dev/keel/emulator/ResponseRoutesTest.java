package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routes SDKs and tools call besides create: models, a stored response's input items, delete,
 * cancel of a response that is not a background one, and the input token count; each valid and with
 * one request per error class (exact status, type, code, param).
 */
class ResponseRoutesTest {

    private static Emulator emulator;
    private static EmulatorHttp http;

    @BeforeAll
    static void start() {
        // gpt-4 is not in keel's price table; the test of a cl100k_base model needs it known.
        emulator = Emulator.start(EmulatorConfig.builder()
                .models(Models.ofDefaults().with(java.util.List.of("gpt-4")))
                .build());
        http = new EmulatorHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** Asserts an OpenAI error body with exactly this status, type, param and code. */
    static JsonNode assertError(EmulatorHttp.Reply reply, int status, String type, String param, String code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode error = reply.json().get("error");
        assertThat(error.get("type").asText()).as(reply.body()).isEqualTo(type);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText())
                .as(reply.body())
                .isEqualTo(param);
        assertThat(error.get("code").isNull() ? null : error.get("code").asText())
                .as(reply.body())
                .isEqualTo(code);
        return error;
    }

    @Test
    void modelsList_priceTableAndRealtimeModels_asModelObjects() {
        JsonNode list = http.get("/models").json();

        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids)
                .contains("gpt-4.1-mini", "gpt-5", "o4-mini", "text-embedding-3-small", "gpt-realtime")
                .doesNotHaveDuplicates();
        assertThat(list.get("data")).allSatisfy(m -> {
            assertThat(m.get("object").asText()).isEqualTo("model");
            assertThat(m.get("owned_by").asText()).isEqualTo("system");
            assertThat(m.get("created").isIntegralNumber()).isTrue();
        });
    }

    @Test
    void modelsRetrieve_knownAndSnapshot_returnsTheModel() {
        JsonNode m = http.get("/models/gpt-4.1-mini").json();
        assertThat(m.get("id").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(m.get("object").asText()).isEqualTo("model");
        assertThat(http.get("/models/gpt-4.1-mini-2025-04-14").json().get("id").asText())
                .isEqualTo("gpt-4.1-mini-2025-04-14");
    }

    @Test
    void modelsRetrieve_unknown_answers404ModelNotFound() {
        JsonNode error =
                assertError(http.get("/models/gpt-nope"), 404, "invalid_request_error", "model", "model_not_found");
        assertThat(error.get("message").asText())
                .isEqualTo("The model 'gpt-nope' does not exist or you do not have access to it.");
    }

    @Test
    void inputItems_stringInput_oneUserMessageWithInputText() {
        String id = create(Requests.PLAIN);

        JsonNode page = http.get("/responses/" + id + "/input_items").json();

        assertThat(page.get("object").asText()).isEqualTo("list");
        assertThat(page.get("has_more").asBoolean()).isFalse();
        JsonNode item = page.at("/data/0");
        assertThat(page.get("data")).hasSize(1);
        assertThat(item.get("id").asText()).startsWith("msg_");
        assertThat(item.get("type").asText()).isEqualTo("message");
        assertThat(item.get("role").asText()).isEqualTo("user");
        assertThat(item.get("status").asText()).isEqualTo("completed");
        assertThat(item.get("content")).isEqualTo(Json.parse("[{\"type\":\"input_text\",\"text\":\"Say hello\"}]"));
        assertThat(page.get("first_id").asText()).isEqualTo(item.get("id").asText());
        assertThat(page.get("last_id").asText()).isEqualTo(item.get("id").asText());
    }

    @Test
    void inputItems_fourItems_newestFirstByDefault_ascOnRequest_pagedWithLimitAndAfter() {
        String body = "{\"model\":\"gpt-4.1-mini\",\"input\":["
                + "{\"role\":\"developer\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"one\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"two\"},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"three\"}]}";
        String id = create(body);

        JsonNode desc = http.get("/responses/" + id + "/input_items").json();
        JsonNode asc = http.get("/responses/" + id + "/input_items?order=asc").json();
        JsonNode first =
                http.get("/responses/" + id + "/input_items?order=asc&limit=2").json();
        JsonNode rest = http.get("/responses/" + id + "/input_items?order=asc&limit=2&after="
                        + first.get("last_id").asText())
                .json();

        assertThat(roles(desc)).containsExactly("user", "assistant", "user", "developer");
        assertThat(roles(asc)).containsExactly("developer", "user", "assistant", "user");
        assertThat(desc.at("/data/0/id").asText()).startsWith("msg_");
        assertThat(asc.at("/data/2/content/0/type").asText()).isEqualTo("output_text");
        assertThat(roles(first)).containsExactly("developer", "user");
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(roles(rest)).containsExactly("assistant", "user");
        assertThat(rest.get("has_more").asBoolean()).isFalse();
        assertThat(rest.get("last_id").asText()).isEqualTo(desc.at("/data/0/id").asText());
    }

    @Test
    void inputItems_toolLoopInput_keepsCallAndOutputItems() {
        JsonNode call = http.post("/responses", Requests.WEATHER_TOOL).json();
        String id = http.post("/responses", Requests.toolOutput(call))
                .json()
                .get("id")
                .asText();

        JsonNode asc = http.get("/responses/" + id + "/input_items?order=asc").json();

        assertThat(types(asc)).containsExactly("message", "function_call", "function_call_output");
        assertThat(asc.at("/data/1/id").asText())
                .isEqualTo(call.at("/output/0/id").asText());
        assertThat(asc.at("/data/2/call_id").asText())
                .isEqualTo(call.at("/output/0/call_id").asText());
        assertThat(asc.at("/data/2/id").asText()).startsWith("fco_");
        assertThat(asc.at("/data/2/status").asText()).isEqualTo("completed");
    }

    @Test
    void inputItems_badPaging_answers400NamingTheParameter() {
        String id = create(Requests.PLAIN);
        String base = "/responses/" + id + "/input_items";

        assertError(http.get(base + "?limit=0"), 400, "invalid_request_error", "limit", "integer_below_min_value");
        assertError(http.get(base + "?limit=101"), 400, "invalid_request_error", "limit", "integer_above_max_value");
        assertError(http.get(base + "?limit=ten"), 400, "invalid_request_error", "limit", "invalid_type");
        assertError(http.get(base + "?order=newest"), 400, "invalid_request_error", "order", "invalid_value");
        assertError(http.get(base + "?include=everything"), 400, "invalid_request_error", "include", "invalid_value");
        assertThat(http.get(base + "?include=message.input_image.image_url").status())
                .isEqualTo(200);
    }

    @Test
    void inputItems_unknownOrUnstored_answers404() {
        String unstored = http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"store\":false}")
                .json()
                .get("id")
                .asText();

        JsonNode error = assertError(
                http.get("/responses/resp_missing/input_items"), 404, "invalid_request_error", "response_id", null);
        assertThat(error.get("message").asText()).isEqualTo("Response with id 'resp_missing' not found.");
        assertError(
                http.get("/responses/" + unstored + "/input_items"), 404, "invalid_request_error", "response_id", null);
    }

    @Test
    void delete_storedResponse_deletedThenGoneFromEveryRoute() {
        String id = create(Requests.PLAIN);

        var deleted = http.delete("/responses/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json())
                .isEqualTo(Json.object().put("id", id).put("object", "response").put("deleted", true));
        assertError(http.get("/responses/" + id), 404, "invalid_request_error", "response_id", null);
        assertError(http.get("/responses/" + id + "/input_items"), 404, "invalid_request_error", "response_id", null);
        assertError(http.delete("/responses/" + id), 404, "invalid_request_error", "response_id", null);
    }

    @Test
    void cancel_responseNotCreatedInBackground_answers400() {
        String id = create(Requests.PLAIN);

        JsonNode error =
                assertError(http.post("/responses/" + id + "/cancel", ""), 400, "invalid_request_error", null, null);

        assertThat(error.get("message").asText()).isEqualTo("Cannot cancel a synchronous response.");
        assertThat(http.get("/responses/" + id).json().get("status").asText()).isEqualTo("completed");
        assertError(http.post("/responses/resp_missing/cancel", ""), 404, "invalid_request_error", "response_id", null);
    }

    @Test
    void inputTokens_sameBodyAsCreate_equalsTheCreatesUsageInputTokens() {
        for (String body : new String[] {
            Requests.PLAIN,
            "{\"model\":\"gpt-4o-mini\",\"instructions\":\"Answer in French, briefly.\",\"input\":["
                    + "{\"role\":\"user\",\"content\":\"Where is the harbour?\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Near the old town.\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"And the ledger office?\"}]}]}",
            "{\"model\":\"gpt-4\",\"input\":\"A legacy model counts with cl100k_base — naïve café\"}"
        }) {
            var created = http.post("/responses", body);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            long usage = created.json().at("/usage/input_tokens").asLong();

            JsonNode count = http.post("/responses/input_tokens", body).json();

            assertThat(count.get("object").asText()).isEqualTo("response.input_tokens");
            assertThat(count.get("input_tokens").asLong()).as(body).isPositive().isEqualTo(usage);
        }
    }

    @Test
    void inputTokens_badBody_answers400NamingTheParameter() {
        assertError(
                http.post("/responses/input_tokens", "{\"model\":\"gpt-4.1-mini\",\"input\":42}"),
                400,
                "invalid_request_error",
                "input",
                "invalid_type");
        assertError(
                http.post("/responses/input_tokens", "{\"model\":7,\"input\":\"x\"}"),
                400,
                "invalid_request_error",
                "model",
                "invalid_type");
        assertError(http.post("/responses/input_tokens", "[1]"), 400, "invalid_request_error", null, "invalid_type");
    }

    private static String create(String body) {
        var reply = http.post("/responses", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asText();
    }

    private static List<String> roles(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(i -> out.add(i.get("role").asText()));
        return out;
    }

    private static List<String> types(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(i -> out.add(i.get("type").asText()));
        return out;
    }
}
