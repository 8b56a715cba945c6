package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.UPSTREAM_KEY;
import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway continues a client's trace: a request with a W3C {@code traceparent} makes keel's call
 * span its child (same trace, the client's span as parent) and the upstream — the emulator, over real
 * sockets — receives a {@code traceparent} of keel's attempt in that trace; a request without one is
 * a new root. Spans go to an in-memory exporter through a synchronous processor, so they are all there
 * once the gateway has answered.
 */
class GatewayTracingTest {

    private static final String HELLO = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk otel;
    private static Emulator emulator;
    private static Gateway traced;
    private static Gateway untraced;
    private static GatewayFixture.Issued alice;

    @BeforeAll
    static void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        emulator = Emulator.start(
                EmulatorConfig.builder().requiredKey(UPSTREAM_KEY).build());
        alice = issue("alice", KeyLimits.NONE);
        var keys = GatewayKeys.of(List.of(alice.key()));
        traced = GatewayFixture.start(
                emulator, keys, GatewaySettings.ofDefaults().withPort(0), b -> b.openTelemetry(otel));
        untraced = GatewayFixture.start(
                emulator, keys, GatewaySettings.ofDefaults().withPort(0), b -> b);
    }

    @AfterAll
    static void stop() {
        traced.close();
        untraced.close();
        emulator.close();
        otel.close();
    }

    @BeforeEach
    void forget() {
        emulator.clearRequests();
        SPANS.reset();
    }

    private static SpanData callSpan() {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat gpt-4.1-mini"))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one call span: " + SPANS.getFinishedSpanItems());
                })
                .orElseThrow(() -> new AssertionError("no call span in " + SPANS.getFinishedSpanItems()));
    }

    private static SpanData attemptSpan(SpanData call) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(call.getSpanId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no attempt span under " + call));
    }

    private static String upstreamHeader(String name) {
        return emulator.requests("POST", "/v1/responses")
                .get(0)
                .header(name)
                .orElseThrow(() -> new AssertionError("the upstream got no " + name));
    }

    @Test
    void aRequestWithATraceparent_continuesTheClientsTrace_andTheUpstreamGetsKeelsSpanInIt() {
        var r = post(
                traced,
                "/responses",
                alice.secret(),
                HELLO,
                "traceparent",
                "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01",
                "tracestate",
                "vendor=abc");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        SpanData call = callSpan();
        assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(call.getTraceId()).isEqualTo(CLIENT_TRACE);
        assertThat(call.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(call.getParentSpanContext().isRemote()).isTrue();
        assertThat(call.getSpanContext().getTraceState().get("vendor")).isEqualTo("abc");
        SpanData attempt = attemptSpan(call);
        assertThat(attempt.getTraceId()).isEqualTo(CLIENT_TRACE);

        // The upstream sees keel's attempt, in the client's trace, not the client's own span.
        assertThat(upstreamHeader("traceparent")).isEqualTo("00-" + CLIENT_TRACE + "-" + attempt.getSpanId() + "-01");
        assertThat(upstreamHeader("tracestate")).isEqualTo("vendor=abc");
    }

    @Test
    void aStreamedCall_continuesTheClientsTrace_andItsCallSpanEndsWithTheStream() {
        var r = post(
                traced,
                "/chat/completions",
                alice.secret(),
                "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"stream\":true}",
                "traceparent",
                "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("data: [DONE]");

        SpanData call = callSpan();
        assertThat(call.getTraceId()).isEqualTo(CLIENT_TRACE);
        assertThat(call.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(call.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("keel.stream.end")))
                .isEqualTo("finished");
        assertThat(emulator.requests("POST", "/v1/chat/completions").get(0).header("traceparent"))
                .hasValue("00-" + CLIENT_TRACE + "-" + attemptSpan(call).getSpanId() + "-01");
    }

    @Test
    void aRequestWithoutATraceparent_isANewRoot_andTheUpstreamGetsItsTrace() {
        var r = post(traced, "/responses", alice.secret(), HELLO);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        SpanData call = callSpan();
        assertThat(call.getParentSpanContext().isValid()).isFalse();
        assertThat(call.getTraceId()).isNotEqualTo(CLIENT_TRACE);
        SpanData attempt = attemptSpan(call);
        assertThat(upstreamHeader("traceparent"))
                .isEqualTo("00-" + call.getTraceId() + "-" + attempt.getSpanId() + "-01");
    }

    @Test
    void aMalformedTraceparent_isANewRoot_andTheClientsTracestateIsNotForwardedWithIt() {
        var r = post(
                traced, "/responses", alice.secret(), HELLO, "traceparent", "00-not-a-trace-01", "tracestate", "v=1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        SpanData call = callSpan();
        assertThat(call.getParentSpanContext().isValid()).isFalse();
        assertThat(upstreamHeader("traceparent")).startsWith("00-" + call.getTraceId() + "-");
        assertThat(emulator.requests("POST", "/v1/responses").get(0).header("tracestate"))
                .isEmpty();
    }

    @Test
    void anUnsampledClientTrace_isNotSampledByTheGateway_butTheUpstreamStillJoinsIt() {
        var r = post(
                traced,
                "/responses",
                alice.secret(),
                HELLO,
                "traceparent",
                "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-00");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        assertThat(SPANS.getFinishedSpanItems()).isEmpty(); // the default sampler follows the parent
        assertThat(upstreamHeader("traceparent")).matches("00-" + CLIENT_TRACE + "-[0-9a-f]{16}-00");
        assertThat(upstreamHeader("traceparent")).doesNotContain(CLIENT_SPAN);
    }

    @Test
    void aRefusedRequest_makesNoSpan() {
        var r = post(
                traced,
                "/responses",
                "keel-not-a-key",
                HELLO,
                "traceparent",
                "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(SPANS.getFinishedSpanItems()).isEmpty();
        assertThat(emulator.requests("POST", "/v1/responses")).isEmpty();
    }

    @Test
    void withoutTracing_theClientsTraceHeadersGoUpstreamUntouched_andNothingIsTraced() {
        String parent = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
        var r = post(untraced, "/responses", alice.secret(), HELLO, "traceparent", parent, "tracestate", "v=1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        assertThat(SPANS.getFinishedSpanItems()).isEmpty();
        assertThat(upstreamHeader("traceparent")).isEqualTo(parent);
        assertThat(upstreamHeader("tracestate")).isEqualTo("v=1");
    }
}
