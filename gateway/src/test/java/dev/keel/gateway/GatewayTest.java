package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.UPSTREAM_KEY;
import static dev.keel.gateway.GatewayFixture.get;
import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.json.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway in front of the emulator over real sockets: the official openai-java SDK with its
 * default OkHttp transport and the JDK's HTTP client as clients; keys, headers, streams, a cut
 * stream, the body bound, exactly-once, and the upstream key never leaking.
 */
class GatewayTest {

    private static Emulator emulator;
    private static Gateway gateway;
    private static GatewayFixture.Issued alice;
    private static GatewayFixture.Issued revoked;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void start() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        LOGS.start();
        emulator = Emulator.start(
                EmulatorConfig.builder().requiredKey(UPSTREAM_KEY).build());
        alice = issue("alice", KeyLimits.NONE);
        var r = issue("old", KeyLimits.NONE);
        revoked = new GatewayFixture.Issued(
                r.secret(), new GatewayKey("old", r.key().sha256(), "t", "u", KeyLimits.NONE, true));
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(alice.key(), revoked.key())),
                GatewaySettings.ofDefaults().withPort(0).withMaxBodyBytes(64 * 1024),
                b -> b);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        emulator.close();
    }

    @BeforeEach
    void forget() {
        emulator.clearRequests();
        emulator.replaceFaults(FaultPlan.NONE);
    }

    private static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl().toString())
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static final String HELLO = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";

    @Test
    void responses_throughTheOfficialSdk_answerWithKeelHeaders_andTheUpstreamSeesOnlyItsOwnKey() {
        OpenAIClient client = sdk(alice.secret());
        try {
            var raw = client.responses()
                    .withRawResponse()
                    .create(ResponseCreateParams.builder()
                            .model("gpt-4.1-mini")
                            .input("Say hello")
                            .build());
            var response = raw.parse();
            assertThat(response.output()).isNotEmpty();
            assertThat(raw.headers().values("x-request-id"))
                    .singleElement()
                    .asString()
                    .startsWith("req_");
            assertThat(raw.headers().values("x-keel-attempts")).containsExactly("1");
            assertThat(Double.parseDouble(
                            raw.headers().values("x-keel-overhead-ms").get(0)))
                    .isGreaterThanOrEqualTo(0.0);
        } finally {
            client.close();
        }
        var upstream = emulator.requests("POST", "/v1/responses");
        assertThat(upstream).singleElement().satisfies(rec -> {
            assertThat(rec.header("authorization")).contains("Bearer " + UPSTREAM_KEY);
            assertThat(rec.headers().toString()).doesNotContain(alice.secret());
        });
    }

    @Test
    void keys_missingUnknownOrRevoked_areRefusedOpenAiShaped_beforeAnyUpstreamCall() {
        for (String secret : new String[] {null, "keel-not-a-key", revoked.secret(), UPSTREAM_KEY}) {
            var r = post(gateway, "/responses", secret, HELLO);
            assertThat(r.statusCode())
                    .as("key %s", secret == null ? "none" : "given")
                    .isEqualTo(401);
            var error = Json.parse(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(r.headers().firstValue("x-request-id"))
                    .hasValueSatisfying(id -> assertThat(id).startsWith("req_keel_"));
        }
        assertThat(post(gateway, "/responses", revoked.secret(), HELLO).body()).contains("revoked");
        assertThat(emulator.requests()).isEmpty();
        OpenAIClient client = sdk("keel-wrong");
        try {
            Assertions.assertThatThrownBy(() -> client.models().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void responsesStream_throughTheSdk_arrivesWhole_withItsTerminalEvent() {
        OpenAIClient client = sdk(alice.secret());
        var types = new ArrayList<String>();
        try (var stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model("gpt-4.1-mini")
                        .input("Count to three")
                        .build())) {
            stream.stream().forEach(e -> types.add(type(e)));
        } finally {
            client.close();
        }
        assertThat(types).first().isEqualTo("created");
        assertThat(types).last().isEqualTo("completed");
        assertThat(types).contains("output_text.delta");
    }

    private static String type(ResponseStreamEvent e) {
        if (e.isCreated()) return "created";
        if (e.isCompleted()) return "completed";
        if (e.isOutputTextDelta()) return "output_text.delta";
        return "other";
    }

    @Test
    void streamCut_reachesTheClientAsAnErrorEvent_neverACleanEnd() {
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=cut-stream:3"))));
        var r = post(
                gateway,
                "/responses",
                alice.secret(),
                "{\"model\":\"gpt-4.1-mini\",\"input\":\"Count\",\"stream\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("event: error").contains("keel_stream_truncated");
        assertThat(r.body()).doesNotContain("response.completed").doesNotContain("[DONE]");
        emulator.replaceFaults(
                new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/chat/completions=cut-stream:2"))));
        var chat = post(
                gateway,
                "/chat/completions",
                alice.secret(),
                "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}],\"stream\":true}");
        assertThat(chat.body()).contains("event: error").doesNotContain("[DONE]");
    }

    @Test
    void bodyOverTheLimit_isRefusedFromItsDeclaredLength_beforeItIsSent() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            // Only the head is sent: a gateway that waited for the 10 MB body would never answer.
            out.write(("POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.secret()
                            + "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
        var chunked = post(
                gateway,
                "/responses",
                alice.secret(),
                "{\"model\":\"gpt-4.1-mini\",\"input\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(Json.parse(chunked.body()).path("error").path("code").asText())
                .isEqualTo("request_too_large");
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void idempotencyKey_tenConcurrentDuplicates_makeOneUpstreamCall_andGetTenIdenticalAnswers() throws Exception {
        var pool = Executors.newFixedThreadPool(10);
        try {
            var calls = new ArrayList<Callable<java.net.http.HttpResponse<String>>>();
            for (int i = 0; i < 10; i++) {
                calls.add(() ->
                        post(gateway, "/responses", alice.secret(), HELLO, "Idempotency-Key", "order-42-summary"));
            }
            var bodies = new ArrayList<String>();
            for (Future<java.net.http.HttpResponse<String>> f : pool.invokeAll(calls)) {
                assertThat(f.get().statusCode()).isEqualTo(200);
                bodies.add(f.get().body());
            }
            assertThat(Set.copyOf(bodies)).hasSize(1);
        } finally {
            pool.shutdown();
        }
        assertThat(emulator.requests("POST", "/v1/responses"))
                .singleElement()
                .satisfies(rec -> assertThat(rec.header("idempotency-key")).contains("order-42-summary"));
        var reused = post(
                gateway,
                "/responses",
                alice.secret(),
                "{\"model\":\"gpt-4.1-mini\",\"input\":\"other\"}",
                "Idempotency-Key",
                "order-42-summary");
        assertThat(reused.statusCode()).isEqualTo(422);
    }

    @Test
    void idempotencyKey_onAStream_aDuplicateAfterItFinishedReplaysTheStoredStream_tenConcurrentMakeOneCall()
            throws Exception {
        String stream = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Count to five\",\"stream\":true}";
        var pool = Executors.newFixedThreadPool(10);
        var answers = new ArrayList<java.net.http.HttpResponse<String>>();
        try {
            var calls = new ArrayList<Callable<java.net.http.HttpResponse<String>>>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> post(gateway, "/responses", alice.secret(), stream, "Idempotency-Key", "stream-7"));
            }
            for (Future<java.net.http.HttpResponse<String>> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            assertThat(a.body()).contains("response.completed");
        });
        assertThat(answers.stream().map(java.net.http.HttpResponse::body).distinct())
                .as("every duplicate got the first call's stream, byte for byte")
                .hasSize(1);
        assertThat(answers.stream()
                        .filter(a -> a.headers()
                                .firstValue("x-keel-idempotent-replay")
                                .isPresent()))
                .hasSize(9);
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(1);
        var asBuffered = post(
                gateway,
                "/responses",
                alice.secret(),
                stream.replace(",\"stream\":true", ""),
                "Idempotency-Key",
                "stream-7");
        assertThat(asBuffered.statusCode())
                .as("the same key on a different request")
                .isEqualTo(422);
    }

    @Test
    void idempotencyKey_onAStreamThatIsCut_releasesTheKey_soTheNextCallDoesTheWork() {
        String stream = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Count\",\"stream\":true}";
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=cut-stream:3"))));
        var cut = post(gateway, "/responses", alice.secret(), stream, "Idempotency-Key", "cut-1");
        assertThat(cut.body()).contains("keel_stream_truncated").doesNotContain("response.completed");
        emulator.replaceFaults(FaultPlan.NONE);
        var again = post(gateway, "/responses", alice.secret(), stream, "Idempotency-Key", "cut-1");
        assertThat(again.body()).contains("response.completed").doesNotContain("keel_stream_truncated");
        assertThat(again.headers().firstValue("x-keel-idempotent-replay")).isEmpty();
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(2);
        var replay = post(gateway, "/responses", alice.secret(), stream, "Idempotency-Key", "cut-1");
        assertThat(replay.headers().firstValue("x-keel-idempotent-replay")).contains("true");
        assertThat(replay.body()).isEqualTo(again.body());
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(2);
    }

    @Test
    void slowUpstream_longerThanTheBodyTimeout_isStillAnswered() {
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=latency:2500ms"))));
        try (var quick = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(alice.key())),
                GatewaySettings.ofDefaults().withPort(0).withBodyTimeout(Duration.ofMillis(1000)),
                b -> b)) {
            var r = post(quick, "/responses", alice.secret(), HELLO);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void unknownPath_isAnOpenAiShaped404() {
        var r = post(gateway, "/assistants", alice.secret(), "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(r.body()).path("error").path("message").asText()).contains("/v1/assistants");
    }

    @Test
    void upstreamKey_neverAppears_inAnswersLogsMetricsOrDebugConfig() {
        var answers = new ArrayList<String>();
        var ok = post(gateway, "/responses", alice.secret(), HELLO);
        answers.add(ok.headers().map() + ok.body());
        var refused = post(gateway, "/responses", "keel-nope", HELLO);
        answers.add(refused.headers().map() + refused.body());
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=status:400"))));
        var failed = post(gateway, "/responses", alice.secret(), HELLO);
        answers.add(failed.headers().map() + failed.body());
        String metrics = get(gateway, "/metrics", null).body();
        String config = get(gateway, "/debug/config", null).body();
        assertThat(metrics).contains("gateway_requests_total").contains("gateway_overhead_ms");
        assertThat(config).contains("\"alice\"").contains("redacted");
        String logs = String.join(
                "\n", LOGS.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        for (String place : List.of(String.join("\n", answers), metrics, config, logs)) {
            assertThat(place).doesNotContain(UPSTREAM_KEY).doesNotContain(UPSTREAM_KEY.substring(3, 20));
            assertThat(place).doesNotContain(alice.secret());
        }
    }
}
