package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What each route answers, over real sockets: the model's rules, validation, files, auth, protocols, limits. */
class RoutesTest {

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

    @Test
    void responses_sameInput_sameAnswerAndExactInputTokens() {
        JsonNode a = http.post("/responses", Requests.PLAIN).json();
        JsonNode b = http.post("/responses", Requests.PLAIN).json();
        assertThat(a.at("/output/0/content/0/text")).isEqualTo(b.at("/output/0/content/0/text"));
        assertThat(a.at("/usage/input_tokens").asInt()).isEqualTo(TokenCounter.count("gpt-4.1-mini", "Say hello"));
        String text = a.at("/output/0/content/0/text").asText();
        assertThat(a.at("/usage/output_tokens").asInt()).isEqualTo(TokenCounter.count("gpt-4.1-mini", text));
    }

    @Test
    void responses_toolDefined_callsItThenAnswersWithTheToolOutput() {
        JsonNode call = http.post("/responses", Requests.WEATHER_TOOL).json();
        JsonNode item = call.at("/output/0");
        assertThat(item.get("type").asText()).isEqualTo("function_call");
        assertThat(item.get("name").asText()).isEqualTo("get_weather");
        assertThat(Json.parse(item.get("arguments").asText()).get("city").isTextual())
                .isTrue();
        JsonNode answer = http.post("/responses", Requests.toolOutput(call)).json();
        assertThat(answer.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(answer.at("/output/0/content/0/text").asText()).contains("get_weather -> {\"temperature_c\":4}");
    }

    @Test
    void responses_toolChoiceNone_answersWithText() {
        ObjectNode req = (ObjectNode) Json.parse(Requests.WEATHER_TOOL);
        req.put("tool_choice", "none");
        assertThat(http.post("/responses", req).json().at("/output/0/type").asText())
                .isEqualTo("message");
    }

    @Test
    void responses_maxOutputTokens_cutsTheAnswerAndMarksItIncomplete() {
        JsonNode r = http.post(
                        "/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"max_output_tokens\":16}")
                .json();
        assertThat(r.get("status").asText()).isEqualTo("incomplete");
        assertThat(r.at("/usage/output_tokens").asInt()).isEqualTo(16);
        assertThat(r.has("completed_at")).isFalse();
    }

    @Test
    void responses_invalidParameters_answer400NamingTheParameter() {
        var low = http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"max_output_tokens\":5}");
        assertThat(low.status()).isEqualTo(400);
        assertThat(low.json().at("/error/code").asText()).isEqualTo("integer_below_min_value");
        assertThat(low.json().at("/error/param").asText()).isEqualTo("max_output_tokens");
        var temp = http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"temperature\":3}");
        assertThat(temp.json().at("/error/param").asText()).isEqualTo("temperature");
        var input = http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":42}");
        assertThat(input.json().at("/error/param").asText()).isEqualTo("input");
    }

    @Test
    void responses_strictSchemaWithoutAdditionalPropertiesFalse_isRejectedAsTheApiDoes() {
        String loose = Requests.STRUCTURED_TICKET.replace("\"additionalProperties\":false,", "");
        var reply = http.post("/responses", loose);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("invalid_json_schema");
        assertThat(reply.json().at("/error/message").asText()).contains("'additionalProperties' is required");
        String missingRequired = Requests.STRUCTURED_TICKET.replace("\"required\":[\"title\",", "\"required\":[");
        assertThat(http.post("/responses", missingRequired)
                        .json()
                        .at("/error/message")
                        .asText())
                .contains("Missing 'title'");
    }

    @Test
    void responses_storedByDefault_retrievableUnlessStoreFalse() {
        JsonNode r = http.post("/responses", Requests.PLAIN).json();
        assertThat(http.get("/responses/" + r.get("id").asText()).json()).isEqualTo(r);
        JsonNode unstored = http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"store\":false}")
                .json();
        assertThat(http.get("/responses/" + unstored.get("id").asText()).status())
                .isEqualTo(404);
    }

    @Test
    void responsesStream_deltasJoinToTheFinalText() {
        var events = EmulatorHttp.events(
                http.post("/responses", Requests.streaming(Requests.PLAIN)).body());
        var deltas = new StringBuilder();
        events.stream()
                .filter(e -> e.get("type").asText().equals("response.output_text.delta"))
                .forEach(e -> deltas.append(e.get("delta").asText()));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("response.completed");
        assertThat(deltas.toString())
                .isEqualTo(last.at("/response/output/0/content/0/text").asText());
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
        }
    }

    @Test
    void responsesStream_terminalEventCarriesTheBufferedAnswersFullUsage_andOnlyIt() {
        JsonNode buffered = http.post("/responses", Requests.PLAIN).json();
        var events = EmulatorHttp.events(
                http.post("/responses", Requests.streaming(Requests.PLAIN)).body());

        JsonNode usage = events.get(events.size() - 1).at("/response/usage");
        assertThat(usage).isEqualTo(buffered.get("usage"));
        assertThat(usage.get("input_tokens").asInt()).isPositive();
        assertThat(usage.get("output_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("input_tokens").asInt()
                        + usage.get("output_tokens").asInt());
        assertThat(usage.at("/input_tokens_details/cached_tokens").isInt()).isTrue();
        assertThat(usage.at("/output_tokens_details/reasoning_tokens").isInt()).isTrue();
        assertThat(events.subList(0, events.size() - 1))
                .as("usage is known only at the end")
                .allSatisfy(e ->
                        assertThat(e.path("response").path("usage").isObject()).isFalse());
        var capped = EmulatorHttp.events(http.post(
                        "/responses",
                        "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"max_output_tokens\":16,\"stream\":true}")
                .body());
        JsonNode incomplete = capped.get(capped.size() - 1);
        assertThat(incomplete.get("type").asText()).isEqualTo("response.incomplete");
        assertThat(incomplete.at("/response/usage/output_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void chatStream_includeUsage_everyChunkHasNullUsage_butAnExtraLastOneWithTheAnswersUsage() {
        JsonNode buffered = http.post("/chat/completions", Requests.CHAT).json();
        var chunks = EmulatorHttp.events(http.post(
                        "/chat/completions",
                        Requests.streaming(Requests.CHAT)
                                .replace(
                                        "\"stream\":true",
                                        "\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
                .body());

        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.get("choices")).isEmpty();
        assertThat(last.get("usage")).isEqualTo(buffered.get("usage"));
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
        assertThat(EmulatorHttp.events(http.post("/chat/completions", Requests.streaming(Requests.CHAT))
                        .body()))
                .as("without include_usage no chunk has a usage field")
                .noneSatisfy(c -> assertThat(c.has("usage")).isTrue());
    }

    @Test
    void chat_plainToolAndStream_followTheChatWireFormat() {
        JsonNode plain = http.post("/chat/completions", Requests.CHAT).json();
        assertThat(plain.at("/choices/0/message/content").asText()).startsWith("Emulated reply to \"Say hello\"");
        assertThat(plain.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode tool = http.post("/chat/completions", Requests.CHAT_TOOL).json();
        assertThat(tool.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(tool.at("/choices/0/message/tool_calls/0/function/name").asText())
                .isEqualTo("get_weather");
        var stream = http.post("/chat/completions", Requests.streaming(Requests.CHAT));
        var content = new StringBuilder();
        EmulatorHttp.events(stream.body())
                .forEach(c -> content.append(c.at("/choices/0/delta/content").asText("")));
        assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        assertThat(content.toString())
                .isEqualTo(plain.at("/choices/0/message/content").asText());
        assertThat(http.post("/chat/completions", "{\"model\":\"gpt-4.1-mini\"}")
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("messages");
    }

    @Test
    void embeddings_deterministicUnitVectorsOfTheRequestedSize() {
        JsonNode a = http.post("/embeddings", "{\"model\":\"text-embedding-3-large\",\"input\":[\"x\",\"y\"]}")
                .json();
        JsonNode b = http.post("/embeddings", "{\"model\":\"text-embedding-3-large\",\"input\":[\"x\"]}")
                .json();
        assertThat(a.at("/data/0/embedding")).isEqualTo(b.at("/data/0/embedding"));
        assertThat(a.at("/data/0/embedding")).isNotEqualTo(a.at("/data/1/embedding"));
        assertThat(a.at("/data/0/embedding").size()).isEqualTo(3072);
        double norm = 0;
        for (JsonNode x : a.at("/data/0/embedding")) {
            norm += x.asDouble() * x.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        JsonNode small = http.post(
                        "/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":256}")
                .json();
        assertThat(small.at("/data/0/embedding").size()).isEqualTo(256);
    }

    @Test
    void files_uploadListContentDelete_behaveAsTheApi() {
        byte[] content = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        JsonNode f = http.upload(
                        "data.jsonl",
                        content,
                        "purpose",
                        "user_data",
                        "expires_after[anchor]",
                        "created_at",
                        "expires_after[seconds]",
                        "3600")
                .json();
        String id = f.get("id").asText();
        assertThat(f.get("expires_at").asLong()).isEqualTo(f.get("created_at").asLong() + 3600);
        assertThat(http.get("/files/" + id + "/content").body()).isEqualTo("{\"a\":1}\n");
        assertThat(http.get("/files?purpose=user_data").json().get("data"))
                .anyMatch(x -> x.get("id").asText().equals(id));
        assertThat(http.get("/files?purpose=batch").json().get("data"))
                .noneMatch(x -> x.get("id").asText().equals(id));
        JsonNode batchFile = http.upload("b.jsonl", content, "purpose", "batch").json();
        assertThat(batchFile.get("expires_at").asLong()
                        - batchFile.get("created_at").asLong())
                .isEqualTo(30L * 24 * 3600);
        assertThat(http.delete("/files/" + id).json().get("deleted").asBoolean())
                .isTrue();
        assertThat(http.get("/files/" + id).status()).isEqualTo(404);
        assertThat(http.get("/files/" + id).json().at("/error/message").asText())
                .isEqualTo("No such File object: " + id);
    }

    @Test
    void files_badPurposeNameOrExpiry_answer400NamingTheField() {
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(http.upload("a.jsonl", content, "purpose", "nonsense")
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("purpose");
        assertThat(http.upload("a.txt", content, "purpose", "batch")
                        .json()
                        .at("/error/message")
                        .asText())
                .contains("Must be .jsonl");
        assertThat(http.upload(
                                "a.jsonl",
                                content,
                                "purpose",
                                "batch",
                                "expires_after[anchor]",
                                "created_at",
                                "expires_after[seconds]",
                                "60")
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("expires_after[seconds]");
        assertThat(http.upload("a.jsonl", content).json().at("/error/param").asText())
                .isEqualTo("purpose");
    }

    @Test
    void realtimeClientSecret_expiryOutsideTenTo7200Seconds_answers400() {
        var reply = http.post(
                "/realtime/client_secrets", "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":7201}}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/param").asText()).isEqualTo("expires_after.seconds");
    }

    @Test
    void recordedRequests_keepHeadersAndBodiesInOrder() {
        emulator.clearRequests();
        http.post("/responses", Requests.PLAIN, "Idempotency-Key", "idem:t:w:1:s");
        http.get("/files");
        List<RecordedRequest> seen = emulator.requests();
        assertThat(seen).extracting(RecordedRequest::path).containsExactly("/v1/responses", "/v1/files");
        assertThat(seen.get(0).header("idempotency-key")).contains("idem:t:w:1:s");
        assertThat(seen.get(0).body()).isEqualTo(Requests.PLAIN);
        assertThat(seen.get(0).requestId()).startsWith("req_");
    }

    @Test
    void auth_requiredKey_refusesOthersWithoutEchoingThem() throws Exception {
        try (var locked =
                Emulator.start(EmulatorConfig.builder().requiredKey("sk-right").build())) {
            var refused = new EmulatorHttp(locked).post("/responses", Requests.PLAIN); // sends sk-test-emulator
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(refused.body()).doesNotContain(EmulatorHttp.KEY);
            var rightKey = java.net.http.HttpRequest.newBuilder(java.net.URI.create(locked.baseUrl() + "/files"))
                    .header("Authorization", "Bearer sk-right")
                    .GET()
                    .build();
            var accepted = http.client().send(rightKey, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);
            assertThat(locked.config().toString()).doesNotContain("sk-right").contains("requiredKey=<redacted>");
        }
    }

    @Test
    void auth_missingBearer_answers401() {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(emulator.baseUrl() + "/files"))
                .GET()
                .build();
        try {
            var r = http.client().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Json.parse(r.body()).at("/error/message").asText()).contains("didn't provide an API key");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void h2c_priorKnowledge_negotiatesHttp2() throws Exception {
        var client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            ContentResponse r = client.POST(emulator.baseUrl() + "/responses")
                    .headers(h -> h.put("Authorization", "Bearer sk-x"))
                    .body(new StringRequestContent("application/json", Requests.PLAIN))
                    .send();
            assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(emulator.requests().getLast().protocol()).isEqualTo("HTTP/2.0");
        } finally {
            client.stop();
        }
    }

    @Test
    void rateLimits_enforced_refuseWith429AndRetryAfterOnceSpent() {
        try (var limited = Emulator.start(EmulatorConfig.builder()
                .rateLimits(RateLimits.enforced(2, 1_000_000))
                .build())) {
            var client = new EmulatorHttp(limited);
            var first = client.post("/responses", Requests.PLAIN);
            assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("1");
            assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("2");
            assertThat(first.header("x-ratelimit-reset-requests")).matches("\\d+(\\.\\d+)?s|\\d+ms|1m0s");
            assertThat(client.post("/responses", Requests.PLAIN).status()).isEqualTo(200);
            var third = client.post("/responses", Requests.PLAIN);
            assertThat(third.status()).isEqualTo(429);
            assertThat(Integer.parseInt(third.header("retry-after"))).isBetween(1, 60);
            assertThat(third.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        }
    }
}
