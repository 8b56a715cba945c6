package dev.keel.core.trace;

import dev.keel.core.cost.TokenUsage;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.ResultSource;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.internal.json.JsonScan;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.RetryDecision;
import dev.keel.wire.time.Ticker;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Traces keel's calls as an {@link EventListener}, through the OpenTelemetry API alone (the SDK and
 * an exporter are the application's): one {@link SpanKind#CLIENT} span per logical call, named
 * {@code {gen_ai.operation.name} {gen_ai.request.model}}, with the GenAI semantic conventions'
 * attributes, whose parent is the caller's current {@link Context}; one child span per attempt with
 * the HTTP client conventions, the phase timings as events and the retry decision; the configured
 * propagator's headers (W3C {@code traceparent}) on each attempt's request, naming that attempt's
 * span. A call refused by an open breaker has no attempt span. A stream's call span ends when its
 * body ends, with an error status when it was cut. A call its sampler drops makes no attempt spans and
 * reads nothing more of the request or the answer; its {@code traceparent} names the (unsampled) call
 * span, so the upstream still joins the trace. Prompts, outputs and headers are never recorded;
 * {@code url.full} leaves the query out. Install it with {@code
 * KeelClient.builder(config).listener(KeelTracing.listener(openTelemetry, config.baseUrl()))}; not
 * installed, it costs nothing. Thread-safe.
 */
public final class KeelTracing implements EventListener {

    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> API_TYPE = AttributeKey.stringKey("openai.api.type");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHED_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<String> REQUEST_TIER = AttributeKey.stringKey("openai.request.service_tier");
    static final AttributeKey<String> RESPONSE_TIER = AttributeKey.stringKey("openai.response.service_tier");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("keel.attempt");
    static final AttributeKey<Long> ATTEMPT_TIMEOUT_MS = AttributeKey.longKey("keel.attempt.timeout_ms");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("keel.attempts");
    static final AttributeKey<Double> INFLIGHT_WAIT_MS = AttributeKey.doubleKey("keel.inflight.wait_ms");
    static final AttributeKey<String> RETRY_DECISION = AttributeKey.stringKey("keel.retry.decision");
    static final AttributeKey<String> RETRY_REASON = AttributeKey.stringKey("keel.retry.reason");
    static final AttributeKey<Long> RETRY_DELAY_MS = AttributeKey.longKey("keel.retry.delay_ms");
    static final AttributeKey<String> BREAKER = AttributeKey.stringKey("keel.breaker");
    static final AttributeKey<String> BREAKER_FROM = AttributeKey.stringKey("keel.breaker.from");
    static final AttributeKey<String> BREAKER_TO = AttributeKey.stringKey("keel.breaker.to");
    static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("keel.fallback.source");
    static final AttributeKey<Long> STREAM_EVENTS = AttributeKey.longKey("keel.stream.events");
    static final AttributeKey<String> STREAM_END = AttributeKey.stringKey("keel.stream.end");

    private static final TextMapSetter<HttpCall[]> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier[0] = carrier[0].withHeader(key, value);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final String baseUrl;
    private final String host;
    private final long port;
    /** Read once per call, at its start; every later timestamp of the call is that plus {@link #ticker}'s time since. */
    private final InstantSource clock;

    private final Ticker ticker;

    private final Map<Long, CallSpans> calls = new ConcurrentHashMap<>();
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    /** The call running on this thread, for breaker transitions (which name a breaker, not a call). */
    private final ThreadLocal<CallSpans> current = new ThreadLocal<>();

    /** One call's spans; touched by the calling thread, and at its end by the thread reading its stream. */
    private static final class CallSpans {
        final Span call;
        /** Epoch nanoseconds at the call's start, and {@link System#nanoTime()} then. */
        final long start;

        final long startTicks;
        Span attempt;
        long attemptStart;
        /** A failed attempt's span, kept open until the retry layer's decision is on it. */
        Span failed;

        long failedEnd;
        boolean attempted;

        CallSpans(Span call, long start, long startTicks) {
            this.call = call;
            this.start = start;
            this.startTicks = startTicks;
        }

        synchronized void endFailed() {
            if (failed != null) {
                failed.end(failedEnd, TimeUnit.NANOSECONDS);
                failed = null;
            }
        }
    }

    private KeelTracing(OpenTelemetry otel, URI baseUrl, InstantSource clock, Ticker ticker) {
        var tracerBuilder = otel.tracerBuilder("dev.keel.core");
        String version = KeelTracing.class.getPackage().getImplementationVersion();
        this.tracer = (version == null ? tracerBuilder : tracerBuilder.setInstrumentationVersion(version)).build();
        this.propagator = otel.getPropagators().getTextMapPropagator();
        String base = baseUrl.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.host = baseUrl.getHost();
        this.port = baseUrl.getPort() > 0 ? baseUrl.getPort() : "https".equals(baseUrl.getScheme()) ? 443 : 80;
        this.clock = clock;
        this.ticker = ticker;
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * Now, in epoch nanoseconds, for a timestamp of {@code spans}' call: the call's start plus the
     * monotonic time since (one wall-clock read per call, and a span never ends before it starts).
     */
    private long now(CallSpans spans) {
        return spans.start + (ticker.read() - spans.startTicks);
    }

    /** Traces the calls of a client whose base URL is {@code baseUrl}, timestamps from the system clock. */
    public static KeelTracing listener(OpenTelemetry otel, URI baseUrl) {
        return listener(otel, baseUrl, InstantSource.system(), Ticker.SYSTEM);
    }

    /** The same with a call's start read from {@code clock} and its later timestamps measured by {@code ticker}. */
    public static KeelTracing listener(OpenTelemetry otel, URI baseUrl, InstantSource clock, Ticker ticker) {
        return new KeelTracing(otel, baseUrl, clock, ticker);
    }

    @Override
    public void callStart(CallContext c) {
        HttpCall request = c.original();
        GenAiOperation op = GenAiOperation.of(request);
        boolean json = "application/json".equals(request.contentType());
        String model = json ? JsonScan.string(request.body(), "model") : null;
        String name = op == null
                ? request.method() + " " + GenAiOperation.pathWithoutQuery(request.path())
                : model == null ? op.name() : op.name() + " " + model;
        long start = epochNanos(clock.instant());
        long startTicks = ticker.read();
        // What a sampler may look at goes on the builder; the rest only on a span that records.
        SpanBuilder b = tracer.spanBuilder(name)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current())
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute(PROVIDER, "openai")
                .setAttribute(SERVER_ADDRESS, host)
                .setAttribute(SERVER_PORT, port);
        if (op != null) {
            b.setAttribute(OPERATION, op.name());
        }
        if (model != null) {
            b.setAttribute(REQUEST_MODEL, model);
        }
        Span call = b.startSpan();
        if (call.isRecording()) {
            if (op != null) {
                call.setAttribute(API_TYPE, op.apiType());
            }
            String tier = json ? JsonScan.string(request.body(), "service_tier") : null;
            if (tier != null) {
                call.setAttribute(REQUEST_TIER, tier);
            }
        }
        CallSpans spans = new CallSpans(call, start, startTicks);

        calls.put(c.callId(), spans);
        current.set(spans);
    }

    @Override
    public void attemptStart(CallContext c, Duration timeout) {
        CallSpans spans = calls.get(c.callId());
        if (spans == null) {
            return;
        }
        spans.endFailed();
        if (!spans.call.isRecording()) {
            return; // not sampled: no attempt spans; the traceparent names the call span (flags 00)
        }
        long start = now(spans);
        if (!spans.attempted) {
            spans.attempted = true;
            spans.call.setAttribute(INFLIGHT_WAIT_MS, (start - spans.start) / 1e6);
        }
        HttpCall request = c.original();
        spans.attemptStart = start;
        SpanBuilder b = tracer.spanBuilder(request.method())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(spans.call))
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute(METHOD, request.method())
                .setAttribute(URL, url(request.path()))
                .setAttribute(SERVER_ADDRESS, host)
                .setAttribute(SERVER_PORT, port)
                .setAttribute(ATTEMPT, c.attempt())
                .setAttribute(ATTEMPT_TIMEOUT_MS, timeout.toMillis());
        if (c.attempt() > 1) {
            b.setAttribute(RESEND_COUNT, (long) c.attempt() - 1); // the HTTP conventions: only on a resend
        }
        spans.attempt = b.startSpan();
    }

    @Override
    public HttpCall attemptRequest(CallContext c, HttpCall request) {
        CallSpans spans = calls.get(c.callId());
        if (spans == null) {
            return request;
        }
        Span named = spans.attempt != null ? spans.attempt : spans.call;
        HttpCall[] carrier = {request};
        propagator.inject(Context.root().with(named), carrier, SETTER);
        return carrier[0];
    }

    @Override
    public void attemptEnd(CallContext c, int status, KeelException error, PhaseTimings timings, String protocol) {
        CallSpans spans = calls.get(c.callId());
        if (spans == null || spans.attempt == null) {
            return;
        }
        Span span = spans.attempt;
        spans.attempt = null;
        if (status > 0) {
            span.setAttribute(STATUS, status);
        }
        if (protocol != null) {
            span.setAttribute(PROTOCOL, protocol.startsWith("HTTP/2") ? "2" : protocol.replace("HTTP/", ""));
        }
        if (timings != null) {
            long t0 = spans.attemptStart;
            phase(span, "http.queued", t0, timings.queued());
            phase(span, "http.connected", t0, timings.connect());
            phase(span, "http.tls_done", t0, timings.tls());
            phase(span, "http.request_sent", t0, timings.requestSent());
            phase(span, "http.response_headers", t0, timings.responseHeaders());
            phase(span, "http.first_byte", t0, timings.firstByte());
            phase(span, "http.complete", t0, timings.complete());
        }
        long end = now(spans);
        if (error == null) {
            span.end(end, TimeUnit.NANOSECONDS);
            return;
        }
        span.setAttribute(ERROR_TYPE, errorType(error));
        span.setStatus(StatusCode.ERROR, errorType(error));
        synchronized (spans) {
            spans.failed = span;
            spans.failedEnd = end;
        }
    }

    /** {@code url.full} of a path: the base URL and the path without its query; the fixed endpoints remembered. */
    private String url(String path) {
        String url = urls.get(path);
        if (url == null) {
            url = baseUrl + GenAiOperation.pathWithoutQuery(path);
            if (urls.size() < 64) {
                urls.put(path, url);
            }
        }
        return url;
    }

    private static void phase(Span span, String name, long t0, Duration at) {
        if (at != null) {
            span.addEvent(name, t0 + at.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void retryDecided(CallContext c, KeelException failure, RetryDecision decision) {
        CallSpans spans = calls.get(c.callId());
        if (spans == null || !spans.call.isRecording()) {
            return;
        }
        Attributes attrs = switch (decision) {
            case RetryDecision.Retry r ->
                Attributes.of(
                        RETRY_DECISION,
                        "retry",
                        RETRY_REASON,
                        r.reason().label(),
                        RETRY_DELAY_MS,
                        r.delay().toMillis());
            case RetryDecision.GiveUp g ->
                Attributes.of(
                        RETRY_DECISION,
                        "give_up",
                        RETRY_REASON,
                        g.reason().name().toLowerCase(Locale.ROOT));
        };
        synchronized (spans) {
            if (spans.failed != null) {
                spans.failed.setAllAttributes(attrs);
                spans.failed.addEvent("keel.retry_decided", attrs, spans.failedEnd, TimeUnit.NANOSECONDS);
                spans.endFailed();
            } else {
                spans.call.addEvent("keel.retry_decided", attrs, now(spans), TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
        CallSpans spans = current.get();
        if (spans == null || !spans.call.isRecording()) {
            return;
        }
        Attributes attrs = Attributes.of(
                BREAKER, breaker,
                BREAKER_FROM, from.name().toLowerCase(Locale.ROOT),
                BREAKER_TO, to.name().toLowerCase(Locale.ROOT));
        synchronized (spans) {
            (spans.failed != null ? spans.failed : spans.call).addEvent("keel.breaker_state_changed", attrs);
        }
    }

    @Override
    public void fallbackServed(CallContext c, ResultSource source, CircuitOpenException cause) {
        CallSpans spans = calls.get(c.callId());
        if (spans != null) {
            spans.call.setAttribute(FALLBACK, source.name().toLowerCase(Locale.ROOT));
            spans.call.addEvent("keel.fallback_served", now(spans), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void callEnd(CallContext c, HttpResult result, Duration elapsed) {
        current.set(null); // keeps this thread's entry for its next call
        CallSpans spans = result.stream() == null ? calls.remove(c.callId()) : calls.get(c.callId());
        if (spans == null) {
            return;
        }
        spans.endFailed();
        spans.call.setAttribute(ATTEMPTS, result.attempts());
        if (result.stream() != null) {
            return; // ends at streamEnd
        }
        if (spans.call.isRecording() && !result.partial() && GenAiOperation.of(c.original()) != null) {
            response(spans.call, GenAiResponse.of(result.body()));
        }
        spans.call.end(now(spans), TimeUnit.NANOSECONDS);
    }

    @Override
    public void streamEnd(CallContext c, StreamOutcome outcome, Duration elapsed) {
        CallSpans spans = calls.remove(c.callId());
        if (spans == null) {
            return;
        }
        spans.call.setAttribute(STREAM_EVENTS, outcome.events());
        switch (outcome) {
            case StreamOutcome.Finished f -> {
                spans.call.setAttribute(STREAM_END, "finished");
                if (spans.call.isRecording()) {
                    response(spans.call, GenAiResponse.of(f.billed()));
                }
            }
            case StreamOutcome.Truncated t -> {
                spans.call.setAttribute(STREAM_END, "truncated");
                spans.call.setAttribute(ERROR_TYPE, errorType(t.error()));
                spans.call.setStatus(StatusCode.ERROR, "stream cut after " + t.events() + " events");
            }
            case StreamOutcome.Abandoned a -> spans.call.setAttribute(STREAM_END, "abandoned");
        }
        spans.call.end(now(spans), TimeUnit.NANOSECONDS);
    }

    @Override
    public void callFailed(CallContext c, KeelException error, Duration elapsed) {
        current.set(null); // keeps this thread's entry for its next call
        CallSpans spans = calls.remove(c.callId());
        if (spans == null) {
            return;
        }
        spans.endFailed();
        spans.call.setAttribute(ATTEMPTS, error.attempts());
        spans.call.setAttribute(ERROR_TYPE, errorType(error));
        if (error.status() > 0) {
            spans.call.setAttribute(STATUS, error.status());
        }
        spans.call.setStatus(StatusCode.ERROR, errorType(error));
        spans.call.end(now(spans), TimeUnit.NANOSECONDS);
    }

    private static void response(Span span, GenAiResponse r) {
        if (r.id() != null) {
            span.setAttribute(RESPONSE_ID, r.id());
        }
        if (r.model() != null) {
            span.setAttribute(RESPONSE_MODEL, r.model());
        }
        if (r.serviceTier() != null) {
            span.setAttribute(RESPONSE_TIER, r.serviceTier());
        }
        TokenUsage u = r.usage();
        if (u != null) {
            span.setAttribute(INPUT_TOKENS, u.input());
            span.setAttribute(OUTPUT_TOKENS, u.output());
            span.setAttribute(CACHED_TOKENS, u.cachedInput());
        }
    }

    /** {@code error.type}: the failure's kind in lower case ({@code server_error}, {@code timeout}, {@code circuit_open}, …). */
    static String errorType(KeelException e) {
        return e.kind().name().toLowerCase(Locale.ROOT);
    }
}
