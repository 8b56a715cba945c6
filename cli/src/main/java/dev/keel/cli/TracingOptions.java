package dev.keel.cli;

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
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * {@code --otlp-endpoint}: traces of every upstream call (docs/observability.md) sent over OTLP
 * (HTTP, protobuf) to a collector; {@code OTEL_EXPORTER_OTLP_ENDPOINT} when the flag is absent; off
 * when neither is set, and then nothing of OpenTelemetry is started.
 */
final class TracingOptions {

    @Option(
            names = "--otlp-endpoint",
            paramLabel = "URL",
            description = "Send traces of every upstream call over OTLP/HTTP to this collector, e.g."
                    + " http://127.0.0.1:4318 (spans go to URL/v1/traces; default: OTEL_EXPORTER_OTLP_ENDPOINT,"
                    + " else no tracing).")
    String otlpEndpoint;

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
     * The tracing to install, or null when it is off.
     *
     * @throws IllegalArgumentException naming the flag or variable when its URL is not an http(s) URL
     */
    Tracing open(Map<String, String> env, String service) {
        String source = "--otlp-endpoint";
        String text = otlpEndpoint;
        if (text == null || text.isBlank()) {
            source = "OTEL_EXPORTER_OTLP_ENDPOINT";
            text = env.get(source);
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        URI base = UpstreamOptions.checkedUrl(source, text);
        String traces = base.toString().replaceAll("/+$", "") + "/v1/traces";
        var exporter = OtlpHttpSpanExporter.builder().setEndpoint(traces).build();
        var provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        return new Tracing(OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    /** {@code builder} with tracing when it is on. */
    static KeelClient.Builder installed(Tracing tracing, KeelClient.Builder builder, KeelClientConfig config) {
        return tracing == null ? builder : tracing.install(builder, config);
    }
}
