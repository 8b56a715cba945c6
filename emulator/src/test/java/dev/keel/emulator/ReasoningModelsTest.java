package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning models on the emulator, as the API treats them: a reasoning item before the message or
 * function call, reasoning tokens, {@code reasoning.effort}, and the refusals of follow-ups that
 * drop or forge what a reasoning model's turn requires; {@code previous_response_id}.
 */
class ReasoningModelsTest {

    private static final String WEATHER = Requests.WEATHER_TOOL.replace("gpt-4.1-mini", "gpt-5-mini");
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

    private static JsonNode ok(EmulatorHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static void assertError(EmulatorHttp.Reply reply, int status, String message, String param, String code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode error = reply.json().get("error");
        assertThat(error.get("message").asText()).isEqualTo(message);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").isNull() ? null : error.get("param").asText())
                .isEqualTo(param);
        assertThat(error.get("code").isNull() ? null : error.get("code").asText())
                .isEqualTo(code);
    }

    private static String body(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"input\":\"Say hello\"" + extra + "}";
    }

    /** A follow-up to a tool-calling {@code response}: the user turn, {@code echoed} items, the call's output. */
    private static ObjectNode followUp(String request, JsonNode response, List<JsonNode> echoed) {
        ObjectNode req = (ObjectNode) Json.parse(request);
        ArrayNode input = req.putArray("input");
        input.addObject().put("role", "user").put("content", "What is the weather in Oslo?");
        echoed.forEach(input::add);
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", call(response).get("call_id").asText())
                .put("output", "{\"temperature_c\":4}");
        return req;
    }

    private static JsonNode call(JsonNode response) {
        for (JsonNode item : response.get("output")) {
            if (item.get("type").asText().equals("function_call")) {
                return item;
            }
        }
        throw new AssertionError("no function_call in " + response);
    }

    @Test
    void responses_reasoningModel_answersWithAReasoningItemFirst_andCountsReasoningTokens() {
        JsonNode r = ok(http.post("/responses", body("gpt-5-mini", "")));

        assertThat(r.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(r.at("/output/0/id").asText()).startsWith("rs_");
        assertThat(r.at("/output/0/summary").isArray()).isTrue();
        assertThat(r.at("/output/0").has("encrypted_content")).isFalse();
        assertThat(r.at("/output/1/type").asText()).isEqualTo("message");
        int reasoning = r.at("/usage/output_tokens_details/reasoning_tokens").asInt();
        assertThat(reasoning).isPositive();
        assertThat(r.at("/usage/output_tokens").asInt()).isGreaterThan(reasoning);
        assertThat(r.at("/reasoning/effort").asText()).isEqualTo("medium");
        for (String model : new String[] {"o3", "o4-mini", "gpt-5"}) {
            assertThat(ok(http.post("/responses", body(model, "")))
                            .at("/output/0/type")
                            .asText())
                    .as(model)
                    .isEqualTo("reasoning");
        }
    }

    @Test
    void responses_nonReasoningModel_hasNoReasoningItem_andZeroReasoningTokens() {
        JsonNode r = ok(http.post("/responses", body("gpt-4.1-mini", "")));

        assertThat(r.get("output")).hasSize(1);
        assertThat(r.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(r.at("/usage/output_tokens_details/reasoning_tokens").asInt())
                .isZero();
        assertThat(r.at("/reasoning/effort").isNull()).isTrue();
    }

    @Test
    void responses_reasoningEffort_scalesReasoningTokens_andBadValuesAreRefused() {
        int minimal = ok(http.post("/responses", body("gpt-5-mini", ",\"reasoning\":{\"effort\":\"minimal\"}")))
                .at("/usage/output_tokens_details/reasoning_tokens")
                .asInt();
        JsonNode high = ok(http.post("/responses", body("gpt-5-mini", ",\"reasoning\":{\"effort\":\"high\"}")));
        assertThat(high.at("/usage/output_tokens_details/reasoning_tokens").asInt())
                .isGreaterThan(minimal);
        assertThat(high.at("/reasoning/effort").asText()).isEqualTo("high");

        assertError(
                http.post("/responses", body("gpt-5-mini", ",\"reasoning\":{\"effort\":\"extreme\"}")),
                400,
                "Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high',"
                        + " 'xhigh', and 'max'.",
                "reasoning.effort",
                "invalid_value");
        assertError(
                http.post("/responses", body("o3", ",\"reasoning\":{\"effort\":\"minimal\"}")),
                400,
                "Unsupported value: 'reasoning.effort' does not support 'minimal' with this model. Supported"
                        + " values are: 'low', 'medium', and 'high'.",
                "reasoning.effort",
                "unsupported_value");
        assertError(
                http.post("/responses", body("gpt-4.1-mini", ",\"reasoning\":{\"effort\":\"low\"}")),
                400,
                "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
                "reasoning.effort",
                "unsupported_parameter");
    }

    @Test
    void responses_reasoningUsesUpMaxOutputTokens_isIncompleteWithOnlyTheReasoningItem() {
        JsonNode r = ok(http.post(
                "/responses", body("gpt-5-mini", ",\"max_output_tokens\":16,\"reasoning\":{\"effort\":\"high\"}")));

        assertThat(r.get("status").asText()).isEqualTo("incomplete");
        assertThat(r.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(r.get("output")).hasSize(1);
        assertThat(r.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(r.at("/usage/output_tokens").asInt()).isEqualTo(16);
        assertThat(r.at("/usage/output_tokens_details/reasoning_tokens").asInt())
                .isEqualTo(16);
    }

    @Test
    void followUp_functionCallWithoutItsReasoningItem_isRefusedAsTheApiRefusesIt() {
        JsonNode first = ok(http.post("/responses", WEATHER));
        assertThat(first.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(first.at("/output/1/type").asText()).isEqualTo("function_call");
        JsonNode reasoning = first.at("/output/0");
        JsonNode call = call(first);

        assertError(
                http.post("/responses", followUp(WEATHER, first, List.of(call))),
                400,
                "Item '" + call.get("id").asText() + "' of type 'function_call' was provided without its required"
                        + " 'reasoning' item: '" + reasoning.get("id").asText() + "'.",
                "input",
                null);
        assertError(
                http.post("/responses", followUp(WEATHER, first, List.of(reasoning))),
                400,
                "Item '" + reasoning.get("id").asText()
                        + "' of type 'reasoning' was provided without its required following item.",
                "input",
                null);
        JsonNode done = ok(http.post("/responses", followUp(WEATHER, first, List.of(reasoning, call))));
        assertThat(done.at("/output/1/content/0/text").asText()).contains("get_weather -> {\"temperature_c\":4}");
    }

    @Test
    void followUp_nonReasoningModelsFunctionCall_needsNoReasoningItem() {
        JsonNode first = ok(http.post("/responses", Requests.WEATHER_TOOL));

        ok(http.post("/responses", followUp(Requests.WEATHER_TOOL, first, List.of(call(first)))));
    }

    @Test
    void storeFalse_withInclude_carriesEncryptedContent_acceptedBack_whileBareOrForgedEchoesAreRefused() {
        String request = WEATHER.replace(
                "\"tools\"", "\"store\":false,\"include\":[\"reasoning.encrypted_content\"]," + "\"tools\"");
        JsonNode first = ok(http.post("/responses", request));
        ObjectNode reasoning = (ObjectNode) first.at("/output/0");
        assertThat(reasoning.get("encrypted_content").asText()).startsWith("gAAAAAB");
        JsonNode call = call(first);

        ok(http.post("/responses", followUp(request, first, List.of(reasoning, call))));

        ObjectNode bare = reasoning.deepCopy();
        bare.remove("encrypted_content");
        String id = reasoning.get("id").asText();
        assertError(
                http.post("/responses", followUp(request, first, List.of(bare, call))),
                404,
                "Item with id '" + id + "' not found. Items are not persisted when `store` is set to false. Try"
                        + " again with `store` set to true, or remove this item from your input.",
                "input",
                null);
        ObjectNode forged = reasoning.deepCopy();
        forged.put("encrypted_content", "gAAAAABforgedcontentthatwasneverissuedAAAA");
        assertError(
                http.post("/responses", followUp(request, first, List.of(forged, call))),
                400,
                "The encrypted content gAAA...AAAA could not be verified.",
                null,
                "invalid_encrypted_content");
    }

    @Test
    void storeFalse_withoutInclude_hasNoEncryptedContent() {
        JsonNode r = ok(http.post("/responses", body("gpt-5-mini", ",\"store\":false")));

        assertThat(r.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(r.at("/output/0").has("encrypted_content")).isFalse();
    }

    @Test
    void previousResponseId_continuesAStoredResponse_withOnlyTheToolOutput() {
        JsonNode first = ok(http.post("/responses", WEATHER));
        ObjectNode next = (ObjectNode) Json.parse(WEATHER);
        next.put("previous_response_id", first.get("id").asText());
        next.putArray("input")
                .addObject()
                .put("type", "function_call_output")
                .put("call_id", call(first).get("call_id").asText())
                .put("output", "{\"temperature_c\":4}");

        JsonNode done = ok(http.post("/responses", next));

        assertThat(done.get("previous_response_id").asText())
                .isEqualTo(first.get("id").asText());
        assertThat(done.at("/output/1/content/0/text").asText()).contains("get_weather -> {\"temperature_c\":4}");
        assertThat(done.at("/usage/input_tokens").asInt())
                .as("the earlier turn counts as input")
                .isGreaterThan(first.at("/usage/input_tokens").asInt());
    }

    @Test
    void previousResponseId_unknownOrNotStored_isNotFound() {
        String unstored = ok(http.post("/responses", body("gpt-5-mini", ",\"store\":false")))
                .get("id")
                .asText();
        for (String id : new String[] {"resp_doesnotexist", unstored}) {
            assertError(
                    http.post("/responses", body("gpt-5-mini", ",\"previous_response_id\":\"" + id + "\"")),
                    400,
                    "Previous response with id '" + id + "' not found.",
                    "previous_response_id",
                    "previous_response_not_found");
        }
    }

    @Test
    void stream_reasoningModel_addsAndFinishesTheReasoningItemBeforeTheMessage() {
        var events = EmulatorHttp.events(http.post("/responses", Requests.streaming(body("gpt-5-mini", "")))
                .body());

        List<String> items = events.stream()
                .filter(e -> e.get("type").asText().startsWith("response.output_item."))
                .map(e -> e.get("type").asText().substring("response.output_item.".length()) + ":"
                        + e.at("/item/type").asText() + "@"
                        + e.get("output_index").asInt())
                .toList();
        assertThat(items).containsExactly("added:reasoning@0", "done:reasoning@0", "added:message@1", "done:message@1");
        JsonNode completed = events.get(events.size() - 1);
        assertThat(completed
                        .at("/response/usage/output_tokens_details/reasoning_tokens")
                        .asInt())
                .isPositive();
    }

    @Test
    void chat_reasoningModel_reportsReasoningTokens_andNonReasoningModelRefusesReasoningEffort() {
        String chat = Requests.CHAT.replace("gpt-4.1-mini", "o4-mini");
        JsonNode c = ok(http.post("/chat/completions", chat));
        int reasoning =
                c.at("/usage/completion_tokens_details/reasoning_tokens").asInt();
        assertThat(reasoning).isPositive();
        assertThat(c.at("/usage/completion_tokens").asInt()).isGreaterThan(reasoning);

        assertError(
                http.post(
                        "/chat/completions",
                        Requests.CHAT.replace("\"messages\"", "\"reasoning_effort\":\"low\",\"messages\"")),
                400,
                "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
                "reasoning_effort",
                "unsupported_parameter");
    }
}
