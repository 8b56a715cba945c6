package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.cli.SpanExport;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import dev.keel.core.trace.KeelTracing;
import dev.keel.wire.json.Json;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.util.Collection;

/**
 * keel's full client: every send is {@code responses().create(body, CallOptions.defaults())}
 * through the whole call pipeline (observe, deadline, in-flight permit, degrade check, attempt
 * timeout, Jetty HTTP/2 transport), with an in-flight limit of 1024 so the permits never throttle
 * the load. The answer's raw bytes are not parsed. Thread-safe.
 */
final class KeelPipelineClient implements ClientUnderTest {

    private static final int IN_FLIGHT_LIMIT = 1024;

    /** The name of the traced contender in the report. */
    static final String TRACED = "keel-traced";

    private final KeelClient client;
    private final String name;
    private final OpenTelemetrySdk otel;
    private final JsonNode body = Json.parse(BODY);

    private KeelPipelineClient(KeelClient client, String name, OpenTelemetrySdk otel) {
        this.client = client;
        this.name = name;
        this.otel = otel;
    }

    /** Builds a client for the emulator at {@code baseUrl}, with keel's defaults otherwise. */
    static KeelPipelineClient open(URI baseUrl) {
        return new KeelPipelineClient(KeelClient.builder(config(baseUrl)).build(), "keel", null);
    }

    /**
     * The same client with tracing on, as {@code keel call --otlp-endpoint} sets it up ({@link
     * KeelTracing} on an OpenTelemetry SDK: every call sampled (or the share {@code ratio}), W3C {@code traceparent} on each
     * attempt, the commands' batch processor, {@link SpanExport}) but exporting to a no-op, so what is measured is keel's
     * tracing and the SDK's span handling, not a collector.
     */
    static KeelPipelineClient traced(URI baseUrl, double ratio) {
        var otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setSampler(
                                ratio >= 1.0
                                        ? Sampler.alwaysOn()
                                        : Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                        .addSpanProcessor(SpanExport.processor(new NoopExporter()))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        KeelClientConfig config = config(baseUrl);
        var client = KeelClient.builder(config)
                .listener(KeelTracing.listener(otel, config.baseUrl()))
                .build();
        return new KeelPipelineClient(client, TRACED, otel);
    }

    private static KeelClientConfig config(URI baseUrl) {
        return KeelClientConfig.builder(API_KEY, baseUrl)
                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                .inFlightLimit(IN_FLIGHT_LIMIT)
                .build();
    }

    /** Takes every batch of spans and drops it; counts them so a run can show they were made. */
    static final class NoopExporter implements SpanExporter {
        static final java.util.concurrent.atomic.LongAdder EXPORTED = new java.util.concurrent.atomic.LongAdder();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            EXPORTED.add(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the status; a non-2xx answer or a failure leaves as a {@code KeelException}. */
    @Override
    public int send() {
        return create().status();
    }

    @Override
    public String preflight() {
        try {
            return create().protocol();
        } catch (RuntimeException e) {
            throw new IllegalStateException("keel: the first request failed: " + e, e);
        }
    }

    private KeelResponse create() {
        return client.responses().create(body, CallOptions.defaults());
    }

    @Override
    public void close() {
        try {
            client.close();
            if (otel != null) {
                otel.close();
            }
        } catch (RuntimeException e) {
            System.err.println("keel-bench client: closing keel failed: " + e);
        }
    }
}
