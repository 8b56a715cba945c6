package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation the emulator serves, with its answer validated against the schema the official
 * OpenAPI spec declares for that operation's 200 body (stream events each against their own event
 * schema; errors against {@code ErrorResponse}).
 */
class ConformanceTest {

    private static final OpenApiSpec SPEC = OpenApiSpec.get();
    private static final FakeClock CLOCK = new FakeClock();
    private static Emulator emulator;
    private static EmulatorHttp http;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(
                EmulatorConfig.builder().clock(CLOCK).batchSpeed(1).build());
        http = new EmulatorHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static void assertConforms(String method, String specPath, JsonNode body) {
        assertConformsTo(SPEC.responseRef(method, specPath, "application/json"), body);
    }

    private static void assertConformsTo(String ref, JsonNode body) {
        assertThat(SPEC.validate(ref, body)).as("%s against %s", body, ref).isEmpty();
    }

    private static JsonNode ok(EmulatorHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    @Test
    void responsesCreate_plainText_conformsToResponse() {
        JsonNode r = ok(http.post("/responses", Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}")));
        assertConforms("POST", "/responses", r);
        assertConforms(
                "GET",
                "/responses/{response_id}",
                ok(http.get("/responses/" + r.get("id").asText())));
    }

    @Test
    void responsesCreate_jsonSchemaAndTools_conformToResponse() {
        assertConforms("POST", "/responses", ok(http.post("/responses", Json.parse(Requests.STRUCTURED_TICKET))));
        JsonNode call = ok(http.post("/responses", Json.parse(Requests.WEATHER_TOOL)));
        assertThat(call.at("/output/0/type").asText()).isEqualTo("function_call");
        assertConforms("POST", "/responses", call);
        assertConforms("POST", "/responses", ok(http.post("/responses", Requests.toolOutput(call))));
    }

    @Test
    void responsesCreate_refusalAndIncomplete_conformToResponse() {
        String body = Requests.STRUCTURED_TICKET;
        assertConforms("POST", "/responses", ok(http.post("/responses", body, "x-keel-fault", "bad-sample:refusal")));
        assertConforms(
                "POST", "/responses", ok(http.post("/responses", body, "x-keel-fault", "bad-sample:incomplete")));
    }

    @Test
    void responsesCreate_reasoningModel_plainToolsAndEncryptedContent_conformToResponse() {
        String tool = Requests.WEATHER_TOOL.replace("gpt-4.1-mini", "gpt-5-mini");
        JsonNode plain = ok(http.post("/responses", Requests.PLAIN.replace("gpt-4.1-mini", "o4-mini")));
        JsonNode call = ok(http.post("/responses", tool));
        JsonNode sealed = ok(http.post(
                "/responses",
                tool.replace("\"tools\"", "\"store\":false,\"include\":[\"reasoning.encrypted_content\"],\"tools\"")));
        for (JsonNode r : new JsonNode[] {plain, call, sealed}) {
            assertThat(r.at("/output/0/type").asText()).isEqualTo("reasoning");
            assertConforms("POST", "/responses", r);
            assertConformsTo("#/components/schemas/ReasoningItem", r.at("/output/0"));
        }
        assertThat(sealed.at("/output/0/encrypted_content").isTextual()).isTrue();
        assertConforms(
                "GET",
                "/responses/{response_id}",
                ok(http.get("/responses/" + call.get("id").asText())));
        var input = Json.array()
                .add(Json.object().put("role", "user").put("content", "What is the weather in Oslo?"))
                .add(call.at("/output/0"))
                .add(call.at("/output/1"))
                .add(Json.object()
                        .put("type", "function_call_output")
                        .put("call_id", call.at("/output/1/call_id").asText())
                        .put("output", "{}"));
        var followUp = ((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(tool)).set("input", input);
        assertConforms("POST", "/responses", ok(http.post("/responses", followUp)));
        assertConforms(
                "POST",
                "/chat/completions",
                ok(http.post("/chat/completions", Requests.CHAT.replace("gpt-4.1-mini", "o3"))));
    }

    @Test
    void responsesStream_reasoningModel_everyEvent_conformsToItsEventSchema() {
        for (String body : new String[] {Requests.PLAIN, Requests.WEATHER_TOOL}) {
            var events = EmulatorHttp.events(
                    http.post("/responses", Requests.streaming(body.replace("gpt-4.1-mini", "gpt-5-mini")))
                            .body());
            assertThat(events).anyMatch(e -> e.at("/item/type").asText().equals("reasoning"));
            for (JsonNode e : events) {
                assertConformsTo(SPEC.streamEventRef(e.get("type").asText()), e);
            }
        }
    }

    @Test
    void responsesStream_everyEvent_conformsToItsEventSchema() {
        for (String body :
                new String[] {Requests.streaming(Requests.PLAIN), Requests.streaming(Requests.WEATHER_TOOL)}) {
            var reply = http.post("/responses", body);
            assertThat(reply.header("content-type")).startsWith("text/event-stream");
            var events = EmulatorHttp.events(reply.body());
            assertThat(events).hasSizeGreaterThan(4);
            for (JsonNode e : events) {
                assertConformsTo(SPEC.streamEventRef(e.get("type").asText()), e);
            }
        }
        var refusal = EmulatorHttp.events(http.post(
                        "/responses",
                        Requests.streaming(Requests.STRUCTURED_TICKET),
                        "x-keel-fault",
                        "bad-sample:refusal")
                .body());
        refusal.forEach(e -> assertConformsTo(SPEC.streamEventRef(e.get("type").asText()), e));
        assertThat(refusal).anyMatch(e -> e.get("type").asText().equals("response.refusal.done"));
    }

    @Test
    void chatCompletions_plainToolsAndStream_conformToSpec() {
        assertConforms("POST", "/chat/completions", ok(http.post("/chat/completions", Requests.CHAT)));
        assertConforms("POST", "/chat/completions", ok(http.post("/chat/completions", Requests.CHAT_TOOL)));
        String chunkRef = SPEC.responseRef("POST", "/chat/completions", "text/event-stream");
        var reply = http.post(
                "/chat/completions",
                Requests.streaming(Requests.CHAT)
                        .replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(reply.body()).endsWith("data: [DONE]\n\n");
        EmulatorHttp.events(reply.body()).forEach(chunk -> assertConformsTo(chunkRef, chunk));
    }

    @Test
    void embeddings_floatAndBase64_conformToSpec() {
        JsonNode floats =
                ok(http.post("/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}"));
        assertConforms("POST", "/embeddings", floats);
        // The spec models only the float form; base64 must decode to the same little-endian float32 vector.
        JsonNode base64 = ok(http.post(
                "/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"base64\"}"));
        var buf = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(base64.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.remaining() / 4)
                .isEqualTo(floats.at("/data/0/embedding").size())
                .isEqualTo(1536);
        assertThat((double) buf.getFloat(0))
                .isCloseTo(floats.at("/data/0/embedding/0").asDouble(), within(1e-6));
    }

    @Test
    void files_uploadListRetrieveDelete_conformToSpec() {
        JsonNode file = ok(http.upload("in.jsonl", Requests.batchFile(2), "purpose", "batch"));
        assertConforms("POST", "/files", file);
        assertConforms("GET", "/files", ok(http.get("/files")));
        assertConforms(
                "GET",
                "/files/{file_id}",
                ok(http.get("/files/" + file.get("id").asText())));
        assertConforms(
                "DELETE",
                "/files/{file_id}",
                ok(http.delete("/files/" + file.get("id").asText())));
    }

    @Test
    void batches_everyStage_conformsToBatch() {
        String fileId = ok(http.upload("in.jsonl", Requests.batchFile(3), "purpose", "batch"))
                .get("id")
                .asText();
        JsonNode batch = ok(http.post("/batches", Requests.batch(fileId)));
        String id = batch.get("id").asText();
        assertConforms("POST", "/batches", batch);
        for (String expected : new String[] {"validating", "in_progress", "finalizing", "completed"}) {
            JsonNode now = ok(http.get("/batches/" + id));
            assertThat(now.get("status").asText()).isEqualTo(expected);
            assertConforms("GET", "/batches/{batch_id}", now);
            CLOCK.advance(Duration.ofSeconds(5));
        }
        assertConforms("GET", "/batches", ok(http.get("/batches?limit=2")));
    }

    @Test
    void batches_failedExpiredAndCancelled_conformToBatch() {
        String fileId = ok(http.upload("in.jsonl", Requests.batchFile(2), "purpose", "batch"))
                .get("id")
                .asText();
        String failed = ok(http.post("/batches", Requests.batch(fileId), "x-keel-fault", "batch:failed"))
                .get("id")
                .asText();
        String expired = ok(http.post("/batches", Requests.batch(fileId), "x-keel-fault", "batch:expired"))
                .get("id")
                .asText();
        JsonNode cancelling = ok(http.post(
                "/batches/"
                        + ok(http.post("/batches", Requests.batch(fileId)))
                                .get("id")
                                .asText() + "/cancel",
                ""));
        assertConforms("POST", "/batches/{batch_id}/cancel", cancelling);
        CLOCK.advance(Duration.ofHours(25));
        JsonNode f = ok(http.get("/batches/" + failed));
        JsonNode x = ok(http.get("/batches/" + expired));
        JsonNode c = ok(http.get("/batches/" + cancelling.get("id").asText()));
        assertThat(f.get("status").asText()).isEqualTo("failed");
        assertThat(x.get("status").asText()).isEqualTo("expired");
        assertThat(c.get("status").asText()).isEqualTo("cancelled");
        for (JsonNode b : new JsonNode[] {f, x, c}) {
            assertConforms("GET", "/batches/{batch_id}", b);
        }
    }

    @Test
    void realtimeClientSecrets_defaultAndCustomSession_conformToSpec() {
        assertConforms("POST", "/realtime/client_secrets", ok(http.post("/realtime/client_secrets", "{}")));
        assertConforms(
                "POST",
                "/realtime/client_secrets",
                ok(
                        http.post(
                                "/realtime/client_secrets",
                                "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":300},\"session\":{\"type\":\"realtime\","
                                        + "\"model\":\"gpt-realtime\",\"instructions\":\"Be brief\",\"audio\":{\"output\":{\"voice\":\"verse\"}}}}")));
    }

    @Test
    void models_listAndRetrieve_conformToSpec() {
        assertConforms("GET", "/models", ok(http.get("/models")));
        assertConforms("GET", "/models/{model}", ok(http.get("/models/gpt-4.1-mini")));
    }

    @Test
    void responsesInputItems_messagesAndToolItems_conformToResponseItemList() {
        String plain = ok(http.post("/responses", Requests.PLAIN)).get("id").asText();
        assertConforms(
                "GET", "/responses/{response_id}/input_items", ok(http.get("/responses/" + plain + "/input_items")));
        JsonNode call = ok(http.post("/responses", Requests.WEATHER_TOOL));
        String loop =
                ok(http.post("/responses", Requests.toolOutput(call))).get("id").asText();
        JsonNode items = ok(http.get("/responses/" + loop + "/input_items?order=asc"));
        assertThat(items.get("data")).hasSize(3);
        assertConforms("GET", "/responses/{response_id}/input_items", items);
        String assistant = ok(http.post(
                        "/responses",
                        "{\"model\":\"gpt-4.1-mini\",\"input\":[{\"role\":\"assistant\",\"content\":\"Hi\"},"
                                + "{\"role\":\"user\",\"content\":\"Again\"}]}"))
                .get("id")
                .asText();
        assertConforms(
                "GET",
                "/responses/{response_id}/input_items",
                ok(http.get("/responses/" + assistant + "/input_items")));
    }

    @Test
    void responsesInputTokens_conformsToTokenCountsResource() {
        assertConforms("POST", "/responses/input_tokens", ok(http.post("/responses/input_tokens", Requests.PLAIN)));
    }

    @Test
    void responsesDelete_answersTheDeletedShape() {
        // The spec declares no 200 schema for DELETE /responses/{id}; its example is {id, object, deleted}.
        String id = ok(http.post("/responses", Requests.PLAIN)).get("id").asText();
        assertThat(ok(http.delete("/responses/" + id)))
                .isEqualTo(Json.object().put("id", id).put("object", "response").put("deleted", true));
        assertConformsTo(
                "#/components/schemas/Error",
                http.delete("/responses/" + id).json().get("error"));
    }

    @Test
    void responsesBackground_everyStatus_conformsToResponse() {
        String body = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"background\":true}";
        JsonNode queued = ok(http.post("/responses", body));
        JsonNode toCancel = ok(http.post("/responses", body));
        JsonNode toFail = ok(http.post("/responses", body, "x-keel-fault", "status:500"));
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertConforms("POST", "/responses", queued);
        JsonNode cancelled = ok(http.post("/responses/" + toCancel.get("id").asText() + "/cancel", ""));
        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertConforms("POST", "/responses/{response_id}/cancel", cancelled);
        CLOCK.advance(Duration.ofMillis(1500));
        JsonNode running = ok(http.get("/responses/" + queued.get("id").asText()));
        assertThat(running.get("status").asText()).isEqualTo("in_progress");
        assertConforms("GET", "/responses/{response_id}", running);
        CLOCK.advance(Duration.ofSeconds(2));
        JsonNode completed = ok(http.get("/responses/" + queued.get("id").asText()));
        JsonNode failed = ok(http.get("/responses/" + toFail.get("id").asText()));
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertConforms("GET", "/responses/{response_id}", completed);
        assertConforms("GET", "/responses/{response_id}", failed);
    }

    @Test
    void responsesBackgroundStream_everyEvent_conformsToItsEventSchema() throws Exception {
        String body = Requests.streaming("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"background\":true}");
        var succeeding = streamAsync(body);
        var failing = streamAsync(body, "x-keel-fault", "status:500");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> emulator.requests("POST", "/v1/responses").stream()
                                .filter(r -> r.body().equals(body))
                                .count()
                        == 2);
        CLOCK.advance(Duration.ofSeconds(3));
        var completed = EmulatorHttp.events(succeeding.get(10, TimeUnit.SECONDS).body());
        var failed = EmulatorHttp.events(failing.get(10, TimeUnit.SECONDS).body());
        var resumed = EmulatorHttp.events(
                http.get("/responses/" + completed.get(0).at("/response/id").asText() + "?stream=true&starting_after="
                                + (completed.size() - 2))
                        .body());
        assertThat(resumed).containsExactly(completed.get(completed.size() - 1));
        assertThat(completed).extracting(e -> e.get("type").asText()).contains("response.queued", "response.completed");
        assertThat(failed)
                .extracting(e -> e.get("type").asText())
                .containsExactly("response.created", "response.queued", "response.in_progress", "response.failed");
        for (var events : List.of(completed, failed)) {
            events.forEach(
                    e -> assertConformsTo(SPEC.streamEventRef(e.get("type").asText()), e));
        }
    }

    private static java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> streamAsync(
            String body, String... headers) {
        return http.client()
                .sendAsync(
                        http.request("/responses", headers)
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void errors_everyKind_conformToErrorResponse() {
        String ref = "#/components/schemas/ErrorResponse";
        assertConformsTo(ref, http.post("/responses", "{\"input\":\"x\"}").json());
        assertConformsTo(ref, http.post("/responses", "{not json").json());
        assertConformsTo(ref, http.get("/nope").json());
        assertConformsTo(
                ref,
                http.post("/responses", Requests.PLAIN, "x-keel-fault", "status:503")
                        .json());
        assertConformsTo(ref, http.get("/files/file-missing").json());
        assertConformsTo(
                ref,
                http.post(
                                "/responses",
                                Requests.PLAIN.replace("\"input\"", "\"reasoning\":{\"effort\":\"low\"},\"input\""))
                        .json());
        assertConformsTo(
                ref,
                http.post(
                                "/responses",
                                Requests.PLAIN.replace("\"input\"", "\"previous_response_id\":\"resp_x\",\"input\""))
                        .json());
        assertConformsTo(
                ref,
                http.post("/responses", "{\"model\":\"nope\",\"input\":\"x\"}").json());
        assertConformsTo(
                ref,
                http.post("/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"foo\":1}")
                        .json());
        assertConformsTo(
                ref,
                http.post("/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"robot\"}]}")
                        .json());
        assertThat(new String(Requests.batchFile(1), StandardCharsets.UTF_8)).contains("custom_id");
    }
}
