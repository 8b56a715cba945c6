package dev.keel.cli;

import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.trace.KeelTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * {@code --otlp-endpoint} and {@code --trace-sample-ratio}: traces of every upstream call
 * (docs/observability.md) sent over OTLP (HTTP, protobuf) to a collector. The flags set the keys
 * {@code tracing.otlp-endpoint} (also {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code keel.yaml}) and
 * {@code tracing.sample-ratio}; with no endpoint from any of them tracing is off, and then nothing
 * of OpenTelemetry is started.
 */
final class TracingOptions {

    @Option(
            names = "--otlp-endpoint",
            paramLabel = "URL",
            description = "Send traces of every upstream call over OTLP/HTTP to this collector, e.g."
                    + " http://127.0.0.1:4318 (spans go to URL/v1/traces; key tracing.otlp-endpoint, also"
                    + " OTEL_EXPORTER_OTLP_ENDPOINT; default: no tracing).")
    String otlpEndpoint;

    @Option(
            names = "--trace-sample-ratio",
            paramLabel = "R",
            description = "With tracing on, the share of traces recorded, above 0 and at most 1 (by trace id; a"
                    + " request that carries a sampled traceparent is traced; key tracing.sample-ratio;"
                    + " default: 1).")
    Double sampleRatio;

    /** Tracing switched on: the SDK behind it, flushed and shut down on close. */
    record Tracing(OpenTelemetrySdk sdk) implements AutoCloseable {

        /** {@code builder} with the tracing listener installed. */
        KeelClient.Builder install(KeelClient.Builder builder, KeelClientConfig config) {
            return builder.listener(KeelTracing.listener(sdk, config.baseUrl()));
        }

        @Override
        public void close() {
            sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
            sdk.close();
        }
    }

    /**
     * The tracing {@code cfg} asks for, or null when it is off. The flags above are read through
     * {@code cfg} (they set its keys), so a flag, the environment and {@code keel.yaml} rank as for
     * every key.
     */
    static Tracing open(KeelConfig cfg, String service) {
        URI base = cfg.get(Settings.TRACING_OTLP_ENDPOINT);
        if (base == null) {
            return null;
        }
        double ratio = cfg.get(Settings.TRACING_SAMPLE_RATIO);
        String traces = base.toString().replaceAll("/+$", "") + "/v1/traces";
        var exporter = OtlpHttpSpanExporter.builder().setEndpoint(traces).build();
        var provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .setSampler(sampler(ratio))
                .addSpanProcessor(SpanExport.processor(exporter))
                .build();
        return new Tracing(OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    /** Every trace at 1; else a share by trace id, a remote parent's decision followed. */
    static Sampler sampler(double ratio) {
        return ratio >= 1.0
                ? Sampler.parentBased(Sampler.alwaysOn())
                : Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
    }

    /** {@code builder} with tracing when it is on. */
    static KeelClient.Builder installed(Tracing tracing, KeelClient.Builder builder, KeelClientConfig config) {
        return tracing == null ? builder : tracing.install(builder, config);
    }
}
