package dev.keel.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import dev.keel.core.api.EventStream;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole span trees of real calls over real sockets to the emulator: the caller's span is the
 * parent, one call span with the GenAI attributes, one attempt span per attempt, and the upstream
 * sees each attempt's {@code traceparent}.
 */
class KeelTracingTest {

    private static final JsonNode HELLO = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
    private static final RetryPolicyConfig THREE_QUICK = new RetryPolicyConfig(
            3, Backoff.exponentialFullJitter(Duration.ofMillis(1), Duration.ofMillis(2)), Duration.ZERO);

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk otel;
    private Emulator emulator;
    private KeelClient client;

    @BeforeEach
    void setUp() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        otel.close();
    }

    private KeelClientConfig.Builder config() {
        return KeelClientConfig.builder("sk-test-tracing", emulator.baseUrl());
    }

    @Test
    void cleanCall_isOneCallSpanUnderTheCallersSpan_withOneAttemptSpan_andTheUpstreamSeesItsTraceparent() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        start2(config(), null);
        Span parent = otel.getTracer("test").spanBuilder("handler").startSpan();
        KeelResponse answer;
        try (Scope ignored = parent.makeCurrent()) {
            answer = client.responses().create(HELLO, CallOptions.defaults());
        } finally {
            parent.end();
        }

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(3);
        SpanData handler = named(all, "handler");
        SpanData call = named(all, "chat gpt-4.1-mini");
        List<SpanData> attempts = childrenOf(all, call);
        assertThat(call.getParentSpanId()).isEqualTo(handler.getSpanId());
        assertThat(call.getTraceId()).isEqualTo(handler.getTraceId());
        assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        JsonNode json = answer.json();
        assertThat(attr(call, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(attr(call, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(attr(call, "openai.api.type")).isEqualTo("responses");
        assertThat(attr(call, "gen_ai.request.model")).isEqualTo("gpt-4.1-mini");
        assertThat(attr(call, "gen_ai.response.model"))
                .isEqualTo(json.get("model").asText());
        assertThat(attr(call, "gen_ai.response.id")).isEqualTo(json.get("id").asText());
        assertThat(longAttr(call, "gen_ai.usage.input_tokens"))
                .isEqualTo(json.at("/usage/input_tokens").asLong())
                .isPositive();
        assertThat(longAttr(call, "gen_ai.usage.output_tokens"))
                .isEqualTo(json.at("/usage/output_tokens").asLong())
                .isPositive();
        assertThat(longAttr(call, "gen_ai.usage.cache_read.input_tokens"))
                .isEqualTo(json.at("/usage/input_tokens_details/cached_tokens").asLong());
        assertThat(attr(call, "server.address")).isEqualTo("127.0.0.1");
        assertThat(longAttr(call, "server.port")).isEqualTo(emulator.port());
        assertThat(longAttr(call, "keel.attempts")).isEqualTo(1);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isNull();
        assertThat(call.getAttributes().get(AttributeKey.doubleKey("keel.inflight.wait_ms")))
                .isNotNull()
                .isGreaterThanOrEqualTo(0);
        assertThat(call.getAttributes().asMap().keySet())
                .as("prompts and outputs are never recorded")
                .noneMatch(k -> k.getKey().contains("prompt")
                        || k.getKey().contains("content")
                        || k.getKey().contains("input.messages")
                        || k.getKey().contains("output.messages"));

        assertThat(attempts).hasSize(1);
        SpanData attempt = attempts.get(0);
        assertThat(attempt.getName()).isEqualTo("POST");
        assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(attr(attempt, "http.request.method")).isEqualTo("POST");
        assertThat(attr(attempt, "url.full"))
                .isEqualTo(emulator.baseUrl().toString().replaceAll("/$", "") + "/responses");
        assertThat(longAttr(attempt, "http.response.status_code")).isEqualTo(200);
        assertThat(attr(attempt, "network.protocol.version")).isIn("1.1", "2");
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.request.resend_count")))
                .as("set only on a resend (HTTP semantic conventions)")
                .isNull();
        assertThat(attempt.getEvents())
                .extracting(EventData::getName)
                .contains("http.request_sent", "http.response_headers", "http.complete");
        assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        // the system clock is read once per call, monotonic time after: every timestamp in order
        assertThat(call.getStartEpochNanos())
                .isCloseTo(
                        System.currentTimeMillis() * 1_000_000L, org.assertj.core.data.Offset.offset(60_000_000_000L));
        assertThat(attempt.getStartEpochNanos()).isGreaterThanOrEqualTo(call.getStartEpochNanos());
        assertThat(attempt.getEvents())
                .allSatisfy(e -> assertThat(e.getEpochNanos())
                        .isBetween(attempt.getStartEpochNanos(), attempt.getEndEpochNanos()));
        assertThat(attempt.getEndEpochNanos()).isLessThanOrEqualTo(call.getEndEpochNanos());

        List<RecordedRequest> requests = emulator.requests("POST", "/v1/responses");
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).header("traceparent")).contains(traceparent(attempt));
    }

    @Test
    void callRetriedTwice_hasThreeAttemptSpans_theFailedOnesWithTheirRetryDecision_eachTraceparentItsOwn() {
        var script = Stream.of("status:503", "status:503", "ok")
                .map(FaultSpec::parse)
                .toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
        start2(config().retry(THREE_QUICK), null);

        assertThat(client.responses().create(HELLO, CallOptions.defaults()).attempts())
                .isEqualTo(3);

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(4);
        SpanData call = named(all, "chat gpt-4.1-mini");
        assertThat(call.getParentSpanContext().isValid())
                .as("no caller span: a root")
                .isFalse();
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(longAttr(call, "keel.attempts")).isEqualTo(3);
        List<SpanData> attempts = childrenOf(all, call);
        assertThat(attempts).extracting(a -> longAttr(a, "keel.attempt")).containsExactly(1L, 2L, 3L);
        assertThat(attempts)
                .extracting(a -> a.getAttributes().get(AttributeKey.longKey("http.request.resend_count")))
                .containsExactly(null, 1L, 2L);
        assertThat(attempts)
                .extracting(a -> longAttr(a, "http.response.status_code"))
                .containsExactly(503L, 503L, 200L);
        for (SpanData failed : attempts.subList(0, 2)) {
            assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(attr(failed, "error.type")).isEqualTo("server_error");
            assertThat(attr(failed, "keel.retry.decision")).isEqualTo("retry");
            assertThat(attr(failed, "keel.retry.reason")).isEqualTo("server_error");
            assertThat(failed.getEvents()).extracting(EventData::getName).contains("keel.retry_decided");
        }
        assertThat(attempts.get(2).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(attempts.get(2).getAttributes().get(AttributeKey.stringKey("keel.retry.decision")))
                .isNull();

        List<String> sent = emulator.requests("POST", "/v1/responses").stream()
                .map(r -> r.header("traceparent").orElseThrow())
                .toList();
        assertThat(sent)
                .containsExactlyElementsOf(
                        attempts.stream().map(a -> traceparent(a)).toList());
    }

    @Test
    void breakerFastFail_isACallSpanWithErrorTypeCircuitOpen_andNoAttemptSpan() {
        var ticker = new FakeClock();
        emulator = Emulator.start(EmulatorConfig.builder().build());
        start2(
                config().breaker(new CircuitBreakerConfig(Duration.ofSeconds(30), 5, 0.25, Duration.ofSeconds(20), 1))
                        .retry(new RetryPolicyConfig(
                                1,
                                Backoff.exponentialFullJitter(Duration.ofMillis(1), Duration.ofMillis(1)),
                                Duration.ZERO)),
                ticker);
        var failing =
                HttpCall.postJson("/responses", Json.writeBytes(HELLO)).withHeader(Emulator.FAULT_HEADER, "status:503");
        for (int window = 0; window < 2; window++) {
            ticker.advance(Duration.ofSeconds(30 * window));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.execute(failing, CallOptions.defaults()))
                        .isNotInstanceOf(CircuitOpenException.class);
            }
        }
        List<SpanData> before = spans.getFinishedSpanItems();
        assertThat(before.stream().filter(s -> s.getName().equals("POST")).toList())
                .as("one attempt span per upstream call so far")
                .hasSize(10);
        assertThat(before)
                .flatExtracting(SpanData::getEvents)
                .extracting(EventData::getName)
                .as("the breaker opened on the tenth call's attempt")
                .contains("keel.breaker_state_changed");
        spans.reset();
        emulator.clearRequests();

        assertThatThrownBy(() -> client.responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOf(CircuitOpenException.class);

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(1);
        SpanData call = all.get(0);
        assertThat(call.getName()).isEqualTo("chat gpt-4.1-mini");
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(call, "error.type")).isEqualTo("circuit_open");
        assertThat(longAttr(call, "keel.attempts")).isZero();
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void streamCutMidway_endsItsCallSpanAtTheCut_withErrorStatus() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        start2(config(), null);
        var call = HttpCall.postJson(
                        "/responses",
                        Json.writeBytes(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}")))
                .withHeader(Emulator.FAULT_HEADER, "cut-stream:3")
                .asStream();
        EventStream s = EventStream.of(client.execute(call, CallOptions.defaults()), EventStream.Terminal.RESPONSES);
        try (s) {
            assertThat(s.next()).isNotNull();
            assertThat(spans.getFinishedSpanItems())
                    .extracting(SpanData::getName)
                    .as("the attempt is over at the headers, the call is not")
                    .containsExactly("POST");
            assertThatThrownBy(() -> {
                        while (s.next() != null) {
                            // read to the cut
                        }
                    })
                    .isInstanceOf(StreamTruncatedException.class);
        }

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(2);
        SpanData callSpan = named(all, "chat gpt-4.1-mini");
        assertThat(callSpan.getParentSpanContext().isValid())
                .as("no caller span: a root")
                .isFalse();
        List<SpanData> attempts = childrenOf(all, callSpan);
        assertThat(attempts).hasSize(1);
        SpanData attempt = attempts.get(0);
        assertThat(attempt.getTraceId()).isEqualTo(callSpan.getTraceId());
        assertThat(attempt.getName()).isEqualTo("POST");
        assertThat(longAttr(attempt, "http.response.status_code"))
                .as("the attempt got its 200 and headers; the cut is the call's, not the attempt's")
                .isEqualTo(200);
        assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(attempt.getEndEpochNanos()).isLessThanOrEqualTo(callSpan.getEndEpochNanos());
        assertThat(longAttr(callSpan, "keel.attempts")).isEqualTo(1);
        assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(callSpan, "error.type")).isEqualTo("stream_truncated");
        assertThat(attr(callSpan, "keel.stream.end")).isEqualTo("truncated");
        assertThat(longAttr(callSpan, "keel.stream.events")).isEqualTo(3);
        assertThat(callSpan.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
                .as("a cut stream states no usage")
                .isNull();
    }

    @Test
    void finishedStream_recordsTheTerminalUsage() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        start2(config(), null);
        var call = HttpCall.postJson(
                        "/responses",
                        Json.writeBytes(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}")))
                .asStream();
        JsonNode last = null;
        try (EventStream s =
                EventStream.of(client.execute(call, CallOptions.defaults()), EventStream.Terminal.RESPONSES)) {
            for (var e = s.next(); e != null; e = s.next()) {
                last = e;
            }
        }
        SpanData callSpan = named(spans.getFinishedSpanItems(), "chat gpt-4.1-mini");
        assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(attr(callSpan, "keel.stream.end")).isEqualTo("finished");
        assertThat(attr(callSpan, "gen_ai.response.id"))
                .isEqualTo(last.at("/response/id").asText());
        assertThat(longAttr(callSpan, "gen_ai.usage.output_tokens"))
                .isEqualTo(last.at("/response/usage/output_tokens").asLong())
                .isPositive();
    }

    @Test
    void unsampledCall_exportsNothing_butTheUpstreamStillGetsAnUnsampledTraceparent() {
        otel.close();
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        var script = Stream.of("status:503", "ok").map(FaultSpec::parse).toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
        start2(config().retry(THREE_QUICK), null);

        assertThat(client.responses().create(HELLO, CallOptions.defaults()).attempts())
                .isEqualTo(2);

        assertThat(spans.getFinishedSpanItems()).isEmpty();
        List<String> sent = emulator.requests("POST", "/v1/responses").stream()
                .map(r -> r.header("traceparent").orElseThrow())
                .toList();
        assertThat(sent).hasSize(2);
        assertThat(sent)
                .allMatch(
                        t -> t.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
                                && (Integer.parseInt(t.substring(53), 16) & 1) == 0,
                        "valid, the sampled flag clear");
        assertThat(sent.get(0))
                .as("both attempts name the one unsampled call span")
                .isEqualTo(sent.get(1));
    }

    private void start2(KeelClientConfig.Builder config, FakeClock ticker) {
        KeelClientConfig c = config.build();
        var b = KeelClient.builder(c).listener(KeelTracing.listener(otel, c.baseUrl()));
        if (ticker != null) {
            b.ticker(ticker);
        }
        client = b.build();
    }

    private static SpanData named(List<SpanData> all, String name) {
        List<SpanData> found =
                all.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named %s among %s", name, all).hasSize(1);
        return found.get(0);
    }

    private static List<SpanData> childrenOf(List<SpanData> all, SpanData parent) {
        return all.stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    /** The W3C header naming this span. */
    private static String traceparent(SpanData s) {
        return "00-" + s.getTraceId() + "-" + s.getSpanId() + "-"
                + s.getSpanContext().getTraceFlags().asHex();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long longAttr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.longKey(key));
    }

    @Test
    void injectedClockAndTicker_giveEveryTimestamp_theCallsStartFromTheClock_theRestFromTheTicker() {
        emulator = Emulator.start();
        var fake = new FakeClock(java.time.Instant.parse("2026-01-02T03:04:05Z"));
        KeelClientConfig c =
                KeelClientConfig.builder("sk-test", emulator.baseUrl()).build();
        client = KeelClient.builder(c)
                .listener(KeelTracing.listener(otel, c.baseUrl(), fake, fake))
                .build();
        client.responses().create(HELLO, CallOptions.defaults());

        long start = 1_767_323_045_000_000_000L; // 2026-01-02T03:04:05Z
        SpanData call = named(spans.getFinishedSpanItems(), "chat gpt-4.1-mini");
        SpanData attempt = childrenOf(spans.getFinishedSpanItems(), call).get(0);
        assertThat(call.getStartEpochNanos()).isEqualTo(start);
        assertThat(attempt.getStartEpochNanos())
                .as("the ticker did not move: no time passed for the spans")
                .isEqualTo(start);
        assertThat(attempt.getEndEpochNanos()).isEqualTo(start);
        assertThat(call.getEndEpochNanos()).isEqualTo(start);
    }
}
