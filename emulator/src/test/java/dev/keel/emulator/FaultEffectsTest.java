package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One test per fault effect, asserting what a client observes over a real socket. */
class FaultEffectsTest {

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
    void status_withoutRetryAfter_answersOpenAiErrorWithNoRetryHeaders() {
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "status:503");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("server_error");
        assertThat(reply.header("retry-after")).isNull();
        assertThat(reply.header("x-request-id")).startsWith("req_");
    }

    @Test
    void status429_withRetryAfter_sendsBothRetryHeaders() {
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "status:429,retry-after-ms:1500");
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("retry-after")).isEqualTo("2");
        assertThat(reply.header("retry-after-ms")).isEqualTo("1500");
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void status429_insufficientQuota_carriesTheHardQuotaCode() {
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "status:429,code:insufficient_quota");
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("insufficient_quota");
    }

    @Test
    void latency_fixed_delaysThenAnswersNormally() {
        long start = System.nanoTime();
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "latency:300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void stall_acceptsAndNeverAnswers_clientTimesOut() {
        var request = http.request("/responses", "x-keel-fault", "stall")
                .timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString(Requests.PLAIN))
                .build();
        assertThatThrownBy(() -> http.client().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(emulator.requests())
                .anyMatch(r -> "stall".equals(r.header("x-keel-fault").orElse(null)));
    }

    @Test
    void reset_dropsTheConnection_clientGetsIoError() {
        var request = http.request("/responses", "x-keel-fault", "reset")
                .POST(HttpRequest.BodyPublishers.ofString(Requests.PLAIN))
                .build();
        assertThatThrownBy(() -> http.client().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void malformed_answers200WithUnparseableJson() {
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "malformed");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        assertThatThrownBy(reply::json).isInstanceOf(JsonSyntaxException.class);
    }

    @Test
    void cutStream_afterThreeEvents_clientSeesThreeEventsThenAnError() throws Exception {
        // A raw socket shows exactly what went over the wire (the JDK client may drop buffered
        // bytes when it sees the close first).
        String body = Requests.streaming(Requests.PLAIN);
        String wire;
        try (var socket = new Socket("127.0.0.1", emulator.port())) {
            socket.setSoTimeout(5_000);
            String request = "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-x\r\n"
                    + "x-keel-fault: cut-stream:3\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            wire = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(wire).startsWith("HTTP/1.1 200").contains("Transfer-Encoding: chunked");
        assertThat(wire.lines().filter(l -> l.startsWith("data: ")).count()).isEqualTo(3);
        assertThat(wire).doesNotContain("response.completed");
        assertThat(wire).as("the chunked body never got its terminating chunk").doesNotEndWith("0\r\n\r\n");
    }

    @Test
    void badSampleMissingField_dropsARequiredProperty() {
        JsonNode ticket = Json.parse(outputText(badSample("missing-field")));
        assertThat(ticket.has("title")).isFalse();
        assertThat(ticket.has("priority")).isTrue();
    }

    @Test
    void badSampleUnknownEnum_putsAnUnlistedValueInTheEnumField() {
        JsonNode ticket = Json.parse(outputText(badSample("unknown-enum")));
        assertThat(ticket.get("priority").asText()).isEqualTo("unlisted_value");
    }

    @Test
    void badSampleWrongType_givesTheFirstFieldAnotherType() {
        JsonNode ticket = Json.parse(outputText(badSample("wrong-type")));
        assertThat(ticket.get("title").isNumber()).isTrue();
    }

    @Test
    void badSampleInvalidJson_completesWithUnparseableText() {
        JsonNode response = badSample("invalid-json");
        assertThat(response.get("status").asText()).isEqualTo("completed");
        assertThatThrownBy(() -> Json.parse(outputText(response))).isInstanceOf(JsonSyntaxException.class);
    }

    @Test
    void badSampleRefusal_answersARefusalPartInsteadOfText() {
        JsonNode part = badSample("refusal").at("/output/0/content/0");
        assertThat(part.get("type").asText()).isEqualTo("refusal");
        assertThat(part.get("refusal").asText()).contains("can't assist");
    }

    @Test
    void badSampleIncomplete_isIncompleteAtMaxOutputTokensWithPartialJson() {
        JsonNode response = badSample("incomplete");
        assertThat(response.get("status").asText()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThatThrownBy(() -> Json.parse(outputText(response))).isInstanceOf(JsonSyntaxException.class);
    }

    @Test
    void faultHeader_unparseable_answers400NamingTheAcceptedForms() {
        var reply = http.post("/responses", Requests.PLAIN, "x-keel-fault", "explode:3");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("invalid_fault");
        assertThat(reply.json().at("/error/message").asText()).contains("unknown kind 'explode'", "cut-stream:N");
    }

    @Test
    void faultHeader_notApplicableToTheRequest_answers400() {
        var cut = http.post("/responses", Requests.PLAIN, "x-keel-fault", "cut-stream:2");
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.json().at("/error/code").asText()).isEqualTo("fault_not_applicable");
        var missing = http.post("/responses", Requests.PLAIN, "x-keel-fault", "bad-sample:missing-field");
        assertThat(missing.json().at("/error/message").asText()).contains("needs a request with a json_schema format");
    }

    @Test
    void scriptedRule_appliesItsEffectsInOrderThenAnswersNormally() {
        var plan = new FaultPlan(
                7,
                List.of(FaultRule.scripted(
                        "POST /v1/responses",
                        List.of(
                                new FaultEffect.Status(503, null, null),
                                new FaultEffect.None(),
                                new FaultEffect.Status(500, null, null)))));
        try (var scripted = Emulator.start(EmulatorConfig.builder().faults(plan).build())) {
            var client = new EmulatorHttp(scripted);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(client.post("/responses", Requests.PLAIN).status());
            }
            assertThat(statuses).containsExactly(503, 200, 500, 200, 200);
            assertThat(client.get("/files").status()).isEqualTo(200);
        }
    }

    @Test
    void schemaScopedRule_spoilsOnlyRequestsUsingThatSchema() {
        var plan = new FaultPlan(
                3,
                List.of(FaultRule.withProbability(
                                "POST /v1/responses", 1, new FaultEffect.BadSample(FaultEffect.SampleDefect.REFUSAL))
                        .forSchema("ticket")));
        try (var e = Emulator.start(EmulatorConfig.builder().faults(plan).build())) {
            var client = new EmulatorHttp(e);
            JsonNode ticket =
                    client.post("/responses", Requests.STRUCTURED_TICKET).json();
            assertThat(ticket.at("/output/0/content/0/type").asText()).isEqualTo("refusal");
            JsonNode other = client.post(
                            "/responses",
                            Requests.STRUCTURED_TICKET.replace("\"name\":\"ticket\"", "\"name\":\"ticket_v1\""))
                    .json();
            assertThat(other.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
            assertThat(client.post("/responses", Requests.PLAIN).status()).isEqualTo(200);
        }
    }

    @Test
    void replaceFaults_startsAndEndsAnOutageWhileRunning() {
        try (var e = Emulator.start()) {
            var client = new EmulatorHttp(e);
            assertThat(client.post("/responses", Requests.PLAIN).status()).isEqualTo(200);
            e.replaceFaults(new FaultPlan(0, List.of(FaultRule.parseFlag("*=status:503"))));
            assertThat(client.post("/responses", Requests.PLAIN).status()).isEqualTo(503);
            assertThat(client.get("/files").status()).isEqualTo(503);
            e.replaceFaults(FaultPlan.NONE);
            assertThat(client.post("/responses", Requests.PLAIN).status()).isEqualTo(200);
        }
    }

    @Test
    void probabilisticRule_sameSeed_sameFaultsOnEveryRun() {
        List<Integer> first = statusesWithSeed(42);
        List<Integer> second = statusesWithSeed(42);
        assertThat(first).isEqualTo(second);
        long failures = first.stream().filter(s -> s == 503).count();
        assertThat(failures).isBetween(40L, 80L); // p = 0.3 over 200 requests
        assertThat(statusesWithSeed(43)).isNotEqualTo(first);
    }

    private static List<Integer> statusesWithSeed(long seed) {
        var plan = new FaultPlan(seed, List.of(FaultRule.parseFlag("POST /v1/responses=status:503@0.3")));
        try (var e = Emulator.start(
                EmulatorConfig.builder().faults(plan).recordCapacity(0).build())) {
            var client = new EmulatorHttp(e);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                statuses.add(client.post("/responses", Requests.PLAIN).status());
            }
            return statuses;
        }
    }

    private static JsonNode badSample(String defect) {
        var reply = http.post("/responses", Requests.STRUCTURED_TICKET, "x-keel-fault", "bad-sample:" + defect);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static String outputText(JsonNode response) {
        return response.at("/output/0/content/0/text").asText();
    }
}
