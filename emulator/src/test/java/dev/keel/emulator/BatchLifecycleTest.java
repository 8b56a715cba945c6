package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch lifecycle on a fake clock at speed 1 (stage times: validating 5 s, 200 ms per request,
 * finalizing 5 s, cancelling 30 s, window 24 h): statuses, timestamps, counts, and the output and
 * error files in OpenAI's line format.
 */
class BatchLifecycleTest {

    private final FakeClock clock = new FakeClock();
    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder()
                .clock(clock)
                .batchSpeed(1)
                .maxBatchRequests(10)
                .maxBatchFileBytes(4096)
                .build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void batch_runsValidatingInProgressFinalizingCompleted_withEveryTimestamp() {
        JsonNode b = create(Requests.batchFile(10), null);
        long created = b.get("created_at").asLong();
        assertThat(b.get("status").asText()).isEqualTo("validating");
        assertThat(b.get("expires_at").asLong()).isEqualTo(created + 86_400);

        clock.advance(Duration.ofSeconds(5).plusMillis(600)); // 3 of 10 requests done
        b = get(b);
        assertThat(b.get("status").asText()).isEqualTo("in_progress");
        assertThat(b.get("in_progress_at").asLong()).isEqualTo(created + 5);
        assertThat(b.get("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(b.get("request_counts")).isEqualTo(Json.parse("{\"total\":10,\"completed\":3,\"failed\":0}"));

        clock.advance(Duration.ofMillis(1400)); // 7 s: all 10 done
        b = get(b);
        assertThat(b.get("status").asText()).isEqualTo("finalizing");
        assertThat(b.get("finalizing_at").asLong()).isEqualTo(created + 7);
        assertThat(b.has("output_file_id")).isFalse();

        clock.advance(Duration.ofSeconds(5));
        b = get(b);
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("completed_at").asLong()).isEqualTo(created + 12);
        assertThat(b.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(b.has("error_file_id")).isFalse();
        Map<String, JsonNode> out = lines(b.get("output_file_id").asText());
        assertThat(out.keySet()).containsExactlyInAnyOrder(ids(10));
        JsonNode line = out.get("req-4");
        assertThat(line.get("id").asText()).startsWith("batch_req_");
        assertThat(line.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(line.at("/response/request_id").asText()).startsWith("req_");
        assertThat(line.at("/response/body/object").asText()).isEqualTo("response");
        assertThat(line.get("error").isNull()).isTrue();
        assertThat(http.get("/files/" + b.get("output_file_id").asText())
                        .json()
                        .get("purpose")
                        .asText())
                .isEqualTo("batch_output");
    }

    @Test
    void batch_expired_keepsFinishedLinesAndWritesBatchExpiredForTheRest() {
        JsonNode b = create(Requests.batchFile(6), "batch:expired");
        clock.advance(Duration.ofHours(23));
        assertThat(get(b).get("status").asText()).isEqualTo("in_progress");
        clock.advance(Duration.ofHours(1));
        b = get(b);
        assertThat(b.get("status").asText()).isEqualTo("expired");
        assertThat(b.get("expired_at").asLong()).isEqualTo(b.get("created_at").asLong() + 86_400);
        assertThat(b.get("request_counts")).isEqualTo(Json.parse("{\"total\":6,\"completed\":3,\"failed\":3}"));
        assertThat(lines(b.get("output_file_id").asText()).keySet())
                .containsExactlyInAnyOrder("req-0", "req-1", "req-2");
        Map<String, JsonNode> errors = lines(b.get("error_file_id").asText());
        assertThat(errors.keySet()).containsExactlyInAnyOrder("req-3", "req-4", "req-5");
        assertThat(errors.get("req-5").get("response").isNull()).isTrue();
        assertThat(errors.get("req-5").at("/error/code").asText()).isEqualTo("batch_expired");
    }

    @Test
    void batch_partial_failsEveryFifthRequestWith500InTheErrorFile() {
        JsonNode b = finished(create(Requests.batchFile(10), "batch:partial"));
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("request_counts")).isEqualTo(Json.parse("{\"total\":10,\"completed\":8,\"failed\":2}"));
        Map<String, JsonNode> errors = lines(b.get("error_file_id").asText());
        assertThat(errors.keySet()).containsExactlyInAnyOrder("req-4", "req-9");
        assertThat(errors.get("req-4").at("/response/status_code").asInt()).isEqualTo(500);
        assertThat(errors.get("req-4").at("/response/body/error/type").asText()).isEqualTo("server_error");
        assertThat(lines(b.get("output_file_id").asText())).hasSize(8);
    }

    @Test
    void batch_lineFailures_failsTheGivenShareAlternatelyWithServerErrorsAndRateLimits() {
        JsonNode all = finished(create(Requests.batchFile(10), "batch:line-failures:1.0"));
        assertThat(all.get("request_counts")).isEqualTo(Json.parse("{\"total\":10,\"completed\":0,\"failed\":10}"));
        Map<String, JsonNode> errors = lines(all.get("error_file_id").asText());
        assertThat(errors.values())
                .extracting(e -> e.at("/response/status_code").asInt())
                .containsOnly(500, 429)
                .filteredOn(status -> status == 429)
                .hasSize(5);
        assertThat(errors.values())
                .filteredOn(e -> e.at("/response/status_code").asInt() == 429)
                .allSatisfy(e ->
                        assertThat(e.at("/response/body/error/code").asText()).isEqualTo("rate_limit_exceeded"));
        JsonNode none = finished(create(Requests.batchFile(10), "batch:line-failures:0"));
        assertThat(none.at("/request_counts/failed").asInt()).isZero();
    }

    @Test
    void batch_errorOnly_completesWithAnErrorFileAndNoOutputFile() {
        JsonNode b = finished(create(Requests.batchFile(3), "batch:error-only"));
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.has("output_file_id")).isFalse();
        assertThat(lines(b.get("error_file_id").asText())).hasSize(3);
        assertThat(b.get("request_counts")).isEqualTo(Json.parse("{\"total\":3,\"completed\":0,\"failed\":3}"));
    }

    @Test
    void batch_failedFault_failsValidationWithTokenLimitExceeded() {
        JsonNode b = finished(create(Requests.batchFile(3), "batch:failed"));
        assertThat(b.get("status").asText()).isEqualTo("failed");
        assertThat(b.get("failed_at").asLong()).isEqualTo(b.get("created_at").asLong() + 5);
        assertThat(b.at("/errors/data/0/code").asText()).isEqualTo("token_limit_exceeded");
        assertThat(b.get("request_counts").get("total").asInt()).isZero();
    }

    @Test
    void batch_cancelled_keepsLinesFinishedBeforeTheCancel() {
        JsonNode b = create(Requests.batchFile(10), null);
        clock.advance(Duration.ofMillis(5_500)); // 2 done
        JsonNode cancelling =
                http.post("/batches/" + b.get("id").asText() + "/cancel", "").json();
        assertThat(cancelling.get("status").asText()).isEqualTo("cancelling");
        clock.advance(Duration.ofSeconds(29));
        assertThat(get(b).get("status").asText()).isEqualTo("cancelling");
        clock.advance(Duration.ofSeconds(1));
        b = get(b);
        assertThat(b.get("status").asText()).isEqualTo("cancelled");
        assertThat(b.get("cancelled_at").asLong() - b.get("cancelling_at").asLong())
                .isEqualTo(30);
        assertThat(lines(b.get("output_file_id").asText()).keySet()).containsExactlyInAnyOrder("req-0", "req-1");
        var again = http.post("/batches/" + b.get("id").asText() + "/cancel", "");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().at("/error/message").asText()).contains("status 'cancelled'");
    }

    @Test
    void validation_badLines_failWithEveryCodeAndLineNumber() {
        String file = String.join(
                "\n",
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"x\"}}",
                "{not json",
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"x\"}}",
                "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"x\"}}",
                "{\"custom_id\":\"d\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4o\",\"input\":\"x\"}}",
                "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/responses\"}",
                "");
        JsonNode b = finished(create(file.getBytes(StandardCharsets.UTF_8), null));
        assertThat(b.get("status").asText()).isEqualTo("failed");
        List<String> found = new ArrayList<>();
        b.at("/errors/data")
                .forEach(e ->
                        found.add(e.get("code").asText() + "@" + e.get("line").asText()));
        assertThat(found)
                .containsExactly(
                        "invalid_json_line@2",
                        "duplicate_custom_id@3",
                        "url_mismatch@4",
                        "model_mismatch@5",
                        "missing_required_parameter@6");
    }

    @Test
    void validation_emptyFileAndTooManyTasks_fail() {
        JsonNode empty = finished(create("\n".getBytes(StandardCharsets.UTF_8), null));
        assertThat(empty.at("/errors/data/0/code").asText()).isEqualTo("empty_file");
        JsonNode many = finished(create(Requests.batchFile(11), null));
        assertThat(many.at("/errors/data/0/code").asText()).isEqualTo("too_many_tasks");
    }

    @Test
    void create_fileOverTheBatchLimit_answers413() {
        String fileId = upload(Requests.batchFile(40)); // > 4096 bytes
        var reply = http.post("/batches", Requests.batch(fileId));
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().at("/error/message").asText()).contains("larger than the 4096 maximum");
    }

    @Test
    void create_badParameters_answer400Or404NamingTheParameter() {
        String fileId = upload(Requests.batchFile(1));
        assertThat(http.post("/batches", "{\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}")
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("input_file_id");
        assertThat(http.post("/batches", Requests.batch(fileId).replace("24h", "1h"))
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("completion_window");
        assertThat(http.post("/batches", Requests.batch(fileId).replace("/v1/responses", "/v1/nope"))
                        .json()
                        .at("/error/param")
                        .asText())
                .isEqualTo("endpoint");
        assertThat(http.post("/batches", Requests.batch("file-missing")).status())
                .isEqualTo(404);
        assertThat(http.get("/batches/batch_missing").status()).isEqualTo(404);
    }

    @Test
    void list_pagesNewestFirstWithCursor() {
        String fileId = upload(Requests.batchFile(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(http.post("/batches", Requests.batch(fileId))
                    .json()
                    .get("id")
                    .asText());
        }
        JsonNode page = http.get("/batches?limit=2").json();
        assertThat(page.at("/data/0/id").asText()).isEqualTo(ids.get(2));
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode next = http.get("/batches?limit=2&after=" + page.get("last_id").asText())
                .json();
        assertThat(next.at("/data/0/id").asText()).isEqualTo(ids.get(0));
        assertThat(next.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void batch_linesNamingAnUnknownModelOrAnUnknownParameter_failThoseLinesAsTheApiAnswersThem() {
        byte[] file = ("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"gpt-9-imaginary\",\"input\":\"x\"}}\n"
                        + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"gpt-9-imaginary\",\"input\":\"x\",\"foo\":1}}\n")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode b = finished(create(file, null));
        assertThat(b.get("request_counts")).isEqualTo(Json.parse("{\"total\":2,\"completed\":0,\"failed\":2}"));
        Map<String, JsonNode> errors = lines(b.get("error_file_id").asText());
        assertThat(errors.get("a").at("/response/status_code").asInt()).isEqualTo(404);
        assertThat(errors.get("a").at("/response/body/error/code").asText()).isEqualTo("model_not_found");
        assertThat(errors.get("b").at("/response/status_code").asInt()).isEqualTo(400);
        assertThat(errors.get("b").at("/response/body/error/code").asText()).isEqualTo("unknown_parameter");
        assertThat(errors.get("b").at("/response/body/error/param").asText()).isEqualTo("foo");
    }

    private JsonNode create(byte[] file, String fault) {
        String body = Requests.batch(upload(file));
        var reply = fault == null ? http.post("/batches", body) : http.post("/batches", body, "x-keel-fault", fault);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private String upload(byte[] file) {
        var reply = http.upload("input.jsonl", file, "purpose", "batch");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asText();
    }

    private JsonNode get(JsonNode batch) {
        return http.get("/batches/" + batch.get("id").asText()).json();
    }

    private JsonNode finished(JsonNode batch) {
        clock.advance(Duration.ofHours(1));
        return get(batch);
    }

    private Map<String, JsonNode> lines(String fileId) {
        var reply = http.get("/files/" + fileId + "/content");
        assertThat(reply.status()).isEqualTo(200);
        Map<String, JsonNode> byId = new TreeMap<>();
        for (String line : reply.body().split("\n")) {
            JsonNode l = Json.parse(line);
            assertThat(byId.put(l.get("custom_id").asText(), l))
                    .as("custom_id appears once")
                    .isNull();
        }
        return byId;
    }

    private static String[] ids(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "req-" + i;
        }
        return ids;
    }
}
