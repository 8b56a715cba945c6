package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.ResponseCreateParams;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.RecordedRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With an {@link OpenTelemetry} bean in the application, keel's clients — and the official SDK's
 * {@code OpenAIClient} on keel, which Spring AI and LangChain4j sit on — trace every call into it:
 * a call span under the application's current span, an attempt span under it, and the attempt's
 * {@code traceparent} upstream. Against the emulator, with an in-memory exporter.
 */
class KeelTracingAutoConfigurationTest {

    static final Emulator EMULATOR = Emulator.start();

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Configuration(proxyBeanMethods = false)
    static class AppTelemetry {
        final InMemorySpanExporter spans = InMemorySpanExporter.create();

        @Bean
        InMemorySpanExporter spanExporter() {
            return spans;
        }

        @Bean(destroyMethod = "close")
        OpenTelemetrySdk openTelemetry() {
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(spans))
                            .build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class))
            .withUserConfiguration(AppTelemetry.class)
            .withPropertyValues(
                    "keel.upstream.api-key=test-key-tracing", "keel.upstream.base-url=" + EMULATOR.baseUrl());

    @Test
    void withAnOpenTelemetryBean_theSdksCallsOnKeel_areTracedUnderTheApplicationsSpan() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            var otel = context.getBean(OpenTelemetrySdk.class);
            var exporter = context.getBean(InMemorySpanExporter.class);
            EMULATOR.clearRequests();
            Span parent = otel.getTracer("app").spanBuilder("GET /summary").startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                var answer = context.getBean(OpenAIClient.class)
                        .responses()
                        .create(ResponseCreateParams.builder()
                                .model("gpt-4.1-mini")
                                .input("Summarise 44")
                                .build());
                assertThat(answer.output()).isNotEmpty();
            } finally {
                parent.end();
            }

            List<SpanData> all = exporter.getFinishedSpanItems();
            SpanData call = all.stream()
                    .filter(s -> s.getName().equals("chat gpt-4.1-mini"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no call span in " + all));
            assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(call.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
            assertThat(call.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
            SpanData attempt = all.stream()
                    .filter(s -> s.getParentSpanId().equals(call.getSpanId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no attempt span in " + all));
            assertThat(attempt.getName()).isEqualTo("POST");
            List<RecordedRequest> sent = EMULATOR.requests("POST", "/v1/responses");
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).header("traceparent"))
                    .hasValue("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-01");
        });
    }

    @Test
    void tracingSwitchedOff_byProperty_makesNoSpans_andSendsNoTraceparent() {
        runner.withPropertyValues("keel.spring.tracing.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            EMULATOR.clearRequests();
            context.getBean(OpenAIClient.class)
                    .responses()
                    .create(ResponseCreateParams.builder()
                            .model("gpt-4.1-mini")
                            .input("Summarise 45")
                            .build());
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                    .isEmpty();
            assertThat(EMULATOR.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .isEmpty();
        });
    }
}
