package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.api.BatchListParams;
import dev.keel.core.api.EventStream;
import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.InFlightLimitException;
import dev.keel.core.error.KeelException;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.policy.DegradeConfig;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * keel's client against the emulator over real sockets: protocol, pooling, budgets, streams, error
 * mapping, the in-flight limit and the degrade reactions. (It lives in the emulator module because
 * core cannot depend on the emulator; see docs/decisions.md.)
 */
class KeelClientTest {

    private static final String KEY = "sk-test-keel-client-0123456789";
    private static final JsonNode HELLO = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
    private static final Duration MS_150 = Duration.ofMillis(150);

    private Emulator emulator;
    private final List<KeelClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(86_400).build());
    }

    @AfterEach
    void stop() {
        clients.forEach(KeelClient::close);
        emulator.close();
    }

    /** The emulator speaks prior-knowledge h2c; these tests pin keel's HTTP/2 behaviour, so they ask for it. */
    private static final PoolConfig H2C = PoolConfig.ofDefaults().withH2c(true);

    private KeelClientConfig.Builder config() {
        return KeelClientConfig.builder(KEY, emulator.baseUrl()).pool(H2C);
    }

    private KeelClient client(KeelClientConfig.Builder b) {
        var c = KeelClient.builder(b.build()).build();
        clients.add(c);
        return c;
    }

    private static HttpCall withFault(JsonNode body, String fault) {
        return HttpCall.postJson("/responses", Json.writeBytes(body)).withHeader("x-keel-fault", fault);
    }

    @Test
    void aCallsOwnPerCallTimeout_replacesTheClientsForThatCallOnly() {
        var client = client(config().perCallTimeout(Duration.ofMillis(300)).businessTimeout(Duration.ofSeconds(5)));
        // the client's 300 ms cap cuts a 700 ms answer on every attempt
        assertThatThrownBy(() -> client.send(
                        withFault(HELLO, "latency:700ms"),
                        CallOptions.defaults().withMaxAttempts(1)))
                .isInstanceOf(KeelException.class)
                .satisfies(e -> assertThat(((KeelException) e).kind()).isEqualTo(ErrorKind.TIMEOUT));
        emulator.clearRequests();
        // a slow tier's call (flex) waits for it, in one attempt
        KeelResponse r = client.send(
                withFault(HELLO, "latency:700ms"),
                CallOptions.defaults().withMaxAttempts(1).withPerCallTimeout(Duration.ofSeconds(4)));
        assertThat(r.json().path("status").asText()).isEqualTo("completed");
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(1);
        assertThatThrownBy(() -> CallOptions.defaults().withPerCallTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per-call timeout must be positive");
    }

    @Test
    void timings_haveEveryPhaseInOrder_andTheUpstreamsDelayFallsBeforeTheHeaders() {
        var client = client(config());
        KeelResponse r = client.send(withFault(HELLO, "latency:150ms"), CallOptions.defaults());
        PhaseTimings t = r.timings();
        assertThat(List.of(t.queued(), t.requestSent(), t.responseHeaders(), t.firstByte(), t.complete()))
                .as("queued <= sent <= headers <= first byte <= complete: %s", t.summary())
                .doesNotContainNull()
                .isSorted();
        assertThat(t.requestSent())
                .as("the request was written before the upstream's delay")
                .isLessThan(MS_150);
        assertThat(t.responseHeaders())
                .as("the emulator held the answer 150 ms")
                .isGreaterThanOrEqualTo(MS_150);
        assertThat(t.tls()).as("cleartext h2c").isNull();
    }

    @Test
    void create_overH2c_answersWithTimingsAndReusesTheConnection() {
        var client = client(config());
        KeelResponse first = client.responses().create(HELLO, CallOptions.defaults());
        assertThat(first.json().at("/output/0/content/0/text").asText()).startsWith("Emulated reply to \"Say hello\"");
        assertThat(first.protocol()).isEqualTo("HTTP/2.0");
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.requestId()).startsWith("req_");
        assertThat(first.timings().connect())
                .as("the first call opened the connection")
                .isNotNull();
        assertThat(first.timings().complete())
                .isGreaterThanOrEqualTo(first.timings().responseHeaders());
        KeelResponse second = client.responses().create(HELLO, CallOptions.defaults());
        assertThat(second.timings().connect()).as("the second call reused it").isNull();
        assertThat(emulator.connectionsAccepted()).isEqualTo(1);
        assertThat(first.summary())
                .contains("attempts=1", "protocol=HTTP/2.0", "connect=")
                .doesNotContain(KEY);
    }

    @Test
    void create_http2Disabled_speaksHttp11() {
        var client = client(config().pool(H2C.withHttp2(false)));
        assertThat(client.responses().create(HELLO, CallOptions.defaults()).protocol())
                .isEqualTo("HTTP/1.1");
    }

    @Test
    void create_cleartextWithoutH2c_speaksHttp11() {
        var client = client(KeelClientConfig.builder(KEY, emulator.baseUrl()));
        assertThat(client.responses().create(HELLO, CallOptions.defaults()).protocol())
                .as("http:// without h2c configured: no HTTP/2 preface is sent")
                .isEqualTo("HTTP/1.1");
        assertThat(emulator.requests().getLast().protocol()).isEqualTo("HTTP/1.1");
    }

    @Test
    void create_sendsIdentityAndIdempotencyHeaders() {
        var client = client(config().organization("org-7").project("proj-9"));
        client.responses().create(HELLO, CallOptions.defaults().withIdempotencyKey("idem:t:w:42:s1"));
        var seen = emulator.requests("POST", "/v1/responses").get(0);
        assertThat(seen.header("authorization")).contains("Bearer " + KEY);
        assertThat(seen.header("openai-organization")).contains("org-7");
        assertThat(seen.header("openai-project")).contains("proj-9");
        assertThat(seen.header("idempotency-key")).contains("idem:t:w:42:s1");
        assertThat(seen.header("user-agent"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("keel/"));
    }

    @Test
    void stall_withA3sBudget_endsWithinTheBudget() {
        var client = client(config());
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.execute(
                        withFault(HELLO, "stall"), CallOptions.defaults().withBudget(Duration.ofSeconds(3))))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("budget of 3000 ms")
                .satisfies(e -> assertThat(((KeelException) e).attempts()).isEqualTo(1));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).isBetween(Duration.ofSeconds(3), Duration.ofMillis(3750));
    }

    @Test
    void concurrentCalls200_neverOpenMoreConnectionsThanConfigured_andAllSpeakHttp2() throws Exception {
        var client = client(config().inFlightLimit(256).pool(H2C.withMaxConnections(2)));
        Set<String> protocols = ConcurrentHashMap.newKeySet();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(pool.submit(() -> protocols.add(
                        client.responses().create(HELLO, CallOptions.defaults()).protocol())));
            }
            for (Future<?> f : calls) {
                f.get();
            }
        }
        assertThat(protocols).containsExactly("HTTP/2.0");
        assertThat(emulator.connectionsAccepted()).isBetween(1, 2);
        assertThat(client.openConnections()).isBetween(1, 2);
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(200);
    }

    @Test
    void stream_readsEveryEventToTheTerminalOne_andReleasesThePermit() {
        var client = client(config());
        List<String> types = new ArrayList<>();
        try (EventStream s = client.responses().stream(HELLO, CallOptions.defaults())) {
            assertThat(client.inFlight().inUse())
                    .as("the open stream holds a permit")
                    .isEqualTo(1);
            for (JsonNode e = s.next(); e != null; e = s.next()) {
                types.add(e.get("type").asText());
            }
        }
        assertThat(types.get(0)).isEqualTo("response.created");
        assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
        assertThat(client.inFlight().inUse()).isZero();
    }

    @Test
    void stream_listenersHearCallEndAtTheHeaders_thenOneStreamEndWithTheParsedTerminalResponse() {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        var client = KeelClient.builder(config().build())
                .listener(new dev.keel.core.pipeline.EventListener() {
                    @Override
                    public void callStart(dev.keel.core.pipeline.CallContext c) {
                        heard.add("callStart");
                    }

                    @Override
                    public void callEnd(
                            dev.keel.core.pipeline.CallContext c, dev.keel.core.http.HttpResult r, Duration e) {
                        heard.add("callEnd");
                    }

                    @Override
                    public void streamEnd(
                            dev.keel.core.pipeline.CallContext c, dev.keel.core.http.StreamOutcome o, Duration e) {
                        heard.add(
                                switch (o) {
                                    case dev.keel.core.http.StreamOutcome.Finished f ->
                                        "finished:" + f.events() + ":"
                                                + f.billed().get("status").asText();
                                    case dev.keel.core.http.StreamOutcome.Truncated t -> "truncated:" + t.events();
                                    case dev.keel.core.http.StreamOutcome.Abandoned a -> "abandoned:" + a.events();
                                });
                    }
                })
                .build();
        clients.add(client);
        int events = 0;
        try (EventStream s = client.responses().stream(HELLO, CallOptions.defaults())) {
            for (JsonNode e = s.next(); e != null; e = s.next()) {
                events++;
                assertThat(heard).as("callEnd comes with the headers").contains("callEnd");
            }
            s.next();
        }
        try (EventStream s = client.responses().stream(HELLO, CallOptions.defaults())) {
            s.next();
        }

        assertThat(heard)
                .containsExactly(
                        "callStart",
                        "callEnd",
                        "finished:" + events + ":completed",
                        "callStart",
                        "callEnd",
                        "abandoned:1");
    }

    @Test
    void stream_cutAfterThreeEvents_endsInATypedTruncation() {
        var client = client(config());
        var call = withFault(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}"), "cut-stream:3")
                .asStream();
        var result = client.execute(call, CallOptions.defaults());
        try (var s = EventStream.of(result, EventStream.Terminal.RESPONSES)) {
            assertThatThrownBy(() -> {
                        while (s.next() != null) {
                            // read until the cut
                        }
                    })
                    .isInstanceOf(StreamTruncatedException.class)
                    .satisfies(e -> assertThat(((StreamTruncatedException) e).eventsReceived())
                            .isEqualTo(3));
        }
    }

    @Test
    void streams_countInTheErrorBudgetWhenTheirBodyEnds_aCutOneAsAFailure() {
        var client = client(config());
        var body = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}");
        var cut = client.execute(withFault(body, "cut-stream:3").asStream(), CallOptions.defaults());
        assertThat(client.degrade().window())
                .as("nothing counted at the headers")
                .containsExactly(0, 0);
        try (var s = EventStream.of(cut, EventStream.Terminal.RESPONSES)) {
            assertThatThrownBy(() -> {
                        while (s.next() != null) {
                            // read until the cut
                        }
                    })
                    .isInstanceOf(StreamTruncatedException.class);
        }
        assertThat(client.degrade().window()).as("[calls, failures]").containsExactly(1, 1);
        try (var s = EventStream.of(
                client.execute(withFault(body, "ok").asStream(), CallOptions.defaults()),
                EventStream.Terminal.RESPONSES)) {
            while (s.next() != null) {
                // read to the terminal event
            }
        }
        try (var s = EventStream.of(
                client.execute(withFault(body, "ok").asStream(), CallOptions.defaults()),
                EventStream.Terminal.RESPONSES)) {
            s.next(); // closed by the caller after one event: not the upstream's failure
        }
        assertThat(client.degrade().window()).containsExactly(3, 1);
        assertThat(client.errorBudget().burnRate(ErrorBudget.Window.M5))
                .as("one failure in three calls against a 0.5 %% budget")
                .isCloseTo((1.0 / 3) / 0.005, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void statusErrors_areClassifiedWithStatusCodeAndRequestId() {
        var client = client(config());
        KeelException limited = call(client, "status:429,retry-after:1");
        assertThat(limited.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.requestId()).startsWith("req_");
        assertThat(limited.getMessage())
                .startsWith("POST /responses: HTTP 429 rate_limit_exceeded")
                .doesNotContain(KEY);
        assertThat(call(client, "status:429,code:insufficient_quota").kind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(call(client, "status:503").kind()).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(call(client, "reset").kind()).isEqualTo(ErrorKind.NETWORK);
        KeelException invalid =
                assertThrows(() -> client.responses().create(Json.parse("{\"input\":\"x\"}"), CallOptions.defaults()));
        assertThat(invalid.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(invalid.getMessage()).contains("Missing required parameter: 'model'");
    }

    @Test
    void malformedBody_surfacesAsMalformedResponse() {
        var client = client(config());
        var response = client.send(withFault(HELLO, "malformed"), CallOptions.defaults());
        assertThatThrownBy(response::json)
                .isInstanceOf(KeelException.class)
                .satisfies(e -> assertThat(((KeelException) e).kind()).isEqualTo(ErrorKind.MALFORMED_RESPONSE));
    }

    @Test
    void inFlightLimit_fullForTheWholeBudget_failsFastWithoutAnUpstreamCall() throws Exception {
        var client = client(config().inFlightLimit(1));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = pool.submit(() -> call(client, "stall", Duration.ofSeconds(2)));
            // the holder's request has reached the emulator (not only taken the permit), so any
            // request counted after this point is the refused call's
            org.awaitility.Awaitility.await()
                    .until(() -> client.inFlight().inUse() == 1
                            && emulator.requests().stream()
                                    .anyMatch(r -> r.header("x-keel-fault")
                                            .filter("stall"::equals)
                                            .isPresent()));
            int before = emulator.requests().size();
            assertThatThrownBy(() -> client.responses()
                            .create(HELLO, CallOptions.defaults().withBudget(Duration.ofMillis(200))))
                    .isInstanceOf(InFlightLimitException.class);
            assertThat(emulator.requests()).hasSize(before);
            holder.get();
        }
    }

    @Test
    void trafficClassMismatch_isRefused() {
        var client = client(config());
        assertThatThrownBy(() ->
                        client.responses().create(HELLO, CallOptions.defaults().withTrafficClass(TrafficClass.BATCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("separate client for BATCH");
    }

    @Test
    void degraded_switchesToTheFallbackModelAndLowersConcurrency() {
        var degrade = new DegradeConfig(Duration.ofMinutes(1), 5, 0.2, 0.5, "gpt-4.1-nano");
        var client = client(config().degrade(degrade).inFlightLimit(8));
        List<DegradeSignal.State> changes = new ArrayList<>();
        client.degrade().onChange(changes::add);
        for (int i = 0; i < 6; i++) {
            call(client, "status:503");
        }
        assertThat(changes).containsExactly(DegradeSignal.State.DEGRADED);
        assertThat(client.inFlight().limit()).isEqualTo(4);
        emulator.clearRequests();
        client.responses().create(HELLO, CallOptions.defaults());
        assertThat(Json.parse(emulator.requests().get(0).body()).get("model").asText())
                .isEqualTo("gpt-4.1-nano");
    }

    @Test
    void filesBatchesAndClientSecrets_goThroughTheSamePipeline() {
        var client = client(config());
        byte[] jsonl =
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"x\"}}\n"
                        .getBytes(StandardCharsets.UTF_8);
        String fileId = client.files()
                .upload("in.jsonl", jsonl, "batch", CallOptions.defaults())
                .json()
                .get("id")
                .asText();
        assertThat(client.files().content(fileId, CallOptions.defaults()).body())
                .isEqualTo(jsonl);
        JsonNode batch = client.batches()
                .create(
                        Json.parse("{\"input_file_id\":\"" + fileId
                                + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}"),
                        CallOptions.defaults())
                .json();
        org.awaitility.Awaitility.await()
                .until(() -> client.batches()
                        .retrieve(batch.get("id").asText(), CallOptions.defaults())
                        .json()
                        .get("status")
                        .asText()
                        .equals("completed"));
        assertThat(client.batches()
                        .list(BatchListParams.all().withLimit(1), CallOptions.defaults())
                        .json()
                        .at("/data/0/id")
                        .asText())
                .isEqualTo(batch.get("id").asText());
        assertThat(client.realtime()
                        .clientSecrets()
                        .create(Json.parse("{}"), CallOptions.defaults())
                        .json()
                        .get("value")
                        .asText())
                .startsWith("ek_");
        assertThat(client.files()
                        .delete(fileId, CallOptions.defaults())
                        .json()
                        .get("deleted")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void listener_hearsWholeEventSequences_forSuccessAndFailure() {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        var recorder = new dev.keel.core.pipeline.EventListener() {
            @Override
            public void callStart(dev.keel.core.pipeline.CallContext c) {
                events.add("callStart");
            }

            @Override
            public void attemptStart(dev.keel.core.pipeline.CallContext c, Duration timeout) {
                events.add("attemptStart#" + c.attempt() + (timeout.compareTo(Duration.ofSeconds(25)) <= 0 ? "" : "!"));
            }

            @Override
            public void attemptEnd(
                    dev.keel.core.pipeline.CallContext c,
                    int status,
                    KeelException e,
                    dev.keel.core.http.PhaseTimings t,
                    String p) {
                events.add("attemptEnd#" + c.attempt() + ":" + status + (t == null ? "" : ":" + p));
            }

            @Override
            public void retryDecided(
                    dev.keel.core.pipeline.CallContext c, KeelException e, dev.keel.core.policy.RetryDecision d) {
                events.add(d instanceof dev.keel.core.policy.RetryDecision.Retry ? "retry" : "giveUp");
            }

            @Override
            public void callEnd(
                    dev.keel.core.pipeline.CallContext c, dev.keel.core.http.HttpResult r, Duration elapsed) {
                events.add("callEnd:" + r.status());
            }

            @Override
            public void callFailed(dev.keel.core.pipeline.CallContext c, KeelException e, Duration elapsed) {
                events.add("callFailed:" + e.kind());
            }
        };
        var client = KeelClient.builder(config().build()).listener(recorder).build();
        clients.add(client);
        client.responses().create(HELLO, CallOptions.defaults());
        call(client, "status:503");
        assertThat(events)
                .containsExactly(
                        "callStart",
                        "attemptStart#1",
                        "attemptEnd#1:200:HTTP/2.0",
                        "callEnd:200",
                        "callStart",
                        "attemptStart#1",
                        "attemptEnd#1:503:HTTP/2.0",
                        "retry",
                        "attemptStart#2",
                        "attemptEnd#2:503:HTTP/2.0",
                        "retry",
                        "attemptStart#3",
                        "attemptEnd#3:503:HTTP/2.0",
                        "giveUp",
                        "callFailed:SERVER_ERROR");
    }

    @Test
    void retries_sendTheSameIdempotencyKeyEveryAttempt_andKeepEarlierErrors() {
        var client = client(config());
        var call = withFault(HELLO, "status:503");
        KeelException e =
                assertThrows(() -> client.execute(call, CallOptions.defaults().withIdempotencyKey("idem:t:w:7:s")));
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.getSuppressed()).hasSize(1);
        var seen = emulator.requests("POST", "/v1/responses");
        assertThat(seen).hasSize(3);
        assertThat(seen).allSatisfy(r -> assertThat(r.header("idempotency-key")).contains("idem:t:w:7:s"));
    }

    @Test
    void retries_honourRetryAfter_andNeverRetryFinalErrors() {
        var client = client(config());
        long start = System.nanoTime();
        KeelException limited = call(client, "status:429,retry-after-ms:300");
        assertThat(limited.attempts()).isEqualTo(3);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        emulator.clearRequests();
        assertThat(call(client, "status:400").attempts()).isEqualTo(1);
        assertThat(call(client, "status:429,code:insufficient_quota").attempts())
                .isEqualTo(1);
        assertThat(emulator.requests()).hasSize(2);
    }

    @Test
    void retries_retryAfterLongerThanTheBudget_givesUpAtOnce() {
        var client = client(config());
        long start = System.nanoTime();
        KeelException e = call(client, "status:503,retry-after:20", Duration.ofSeconds(5));
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void breaker_opensAfterTwoFailingWindows_thenRefusesWithoutAnUpstreamCall_andAProbeCloses() {
        var clock = new dev.keel.wire.testing.FakeClock();
        var breakerConfig = new dev.keel.core.policy.CircuitBreakerConfig(
                Duration.ofSeconds(30), 5, 0.25, Duration.ofSeconds(20), 1);
        var client = KeelClient.builder(config().breaker(breakerConfig)
                        .retry(new dev.keel.core.policy.RetryPolicyConfig(
                                1,
                                dev.keel.core.policy.Backoff.exponentialFullJitter(
                                        Duration.ofMillis(1), Duration.ofMillis(1)),
                                Duration.ZERO))
                        .build())
                .ticker(clock)
                .build();
        clients.add(client);
        for (int i = 0; i < 5; i++) {
            call(client, "status:503");
        }
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            call(client, "status:503");
        }
        emulator.clearRequests();
        KeelException open = assertThrows(() -> client.responses().create(HELLO, CallOptions.defaults()));
        assertThat(open.kind()).isEqualTo(ErrorKind.CIRCUIT_OPEN);
        assertThat(open.getMessage()).contains("circuit open for POST http://127.0.0.1:", "/responses gpt-4.1-mini");
        assertThat(emulator.requests()).as("no upstream call while open").isEmpty();
        assertThat(client.responses()
                        .create(Json.parse("{\"model\":\"gpt-4o\",\"input\":\"x\"}"), CallOptions.defaults())
                        .status())
                .as("another model has its own breaker")
                .isEqualTo(200);
        clock.advance(Duration.ofSeconds(20));
        assertThat(client.responses().create(HELLO, CallOptions.defaults()).status())
                .isEqualTo(200);
        assertThat(client.meterRegistry().get("breaker_open").counter().count()).isEqualTo(1);
    }

    private static KeelException call(KeelClient client, String fault) {
        return call(client, fault, Duration.ofSeconds(10));
    }

    private static KeelException call(KeelClient client, String fault, Duration budget) {
        return assertThrows(() ->
                client.execute(withFault(HELLO, fault), CallOptions.defaults().withBudget(budget)));
    }

    private static KeelException assertThrows(Runnable r) {
        try {
            r.run();
        } catch (KeelException e) {
            return e;
        }
        throw new AssertionError("expected a KeelException");
    }
}
