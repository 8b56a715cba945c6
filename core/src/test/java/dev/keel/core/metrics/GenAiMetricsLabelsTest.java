package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.cost.PriceTable;
import dev.keel.core.http.HttpCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The labels {@link GenAiMetrics} gives endpoints and models stay few, whatever the calls. */
class GenAiMetricsLabelsTest {

    private final GenAiMetrics metrics = new GenAiMetrics(
            new SimpleMeterRegistry(), "online", PriceTable.builtIn(), URI.create("https://api.openai.com/v1"));

    @Test
    void endpoints_keepTheApiWords_andReplaceEveryIdAndDropTheQuery() {
        assertThat(metrics.endpoint(HttpCall.postJson("/responses", new byte[0])))
                .isEqualTo("/responses");
        assertThat(metrics.endpoint(HttpCall.get("/responses/resp_abc123/input_items?limit=5")))
                .isEqualTo("/responses/{id}/input_items");
        assertThat(metrics.endpoint(HttpCall.get("/files/file-XYZ/content"))).isEqualTo("/files/{id}/content");
        assertThat(metrics.endpoint(HttpCall.postJson("/batches/batch_9/cancel", new byte[0])))
                .isEqualTo("/batches/{id}/cancel");
        assertThat(metrics.endpoint(HttpCall.get("/models/gpt-4.1-mini"))).isEqualTo("/models/{id}");
        assertThat(metrics.endpoint(HttpCall.get("/"))).isEqualTo("/");
    }

    @Test
    void models_areThePriceTablesNames_orOther() {
        assertThat(metrics.capped("gpt-4.1-mini")).isEqualTo("gpt-4.1-mini");
        assertThat(metrics.capped("gpt-4.1-mini-2025-04-14"))
                .as("a snapshot counts as its base model")
                .isEqualTo("gpt-4.1-mini");
        assertThat(metrics.capped("ft:gpt-4.1-mini:acme::x1")).isEqualTo("other");
        assertThat(metrics.capped("no-such-model")).isEqualTo("other");
    }

    @Test
    void meters_areLookedUpOncePerLabelSet_andKeepCountingAcrossCalls() {
        var registry = new SimpleMeterRegistry();
        var m = new GenAiMetrics(registry, "online", PriceTable.builtIn(), URI.create("https://api.openai.com/v1"));
        var call = HttpCall.postJson("/responses", "{\"model\":\"gpt-4.1-mini\"}".getBytes());
        var context = new dev.keel.core.pipeline.CallContext(
                1,
                call,
                dev.keel.core.CallOptions.defaults(),
                dev.keel.core.policy.Deadline.after(java.time.Duration.ofSeconds(5), dev.keel.wire.time.Ticker.SYSTEM),
                java.time.Duration.ofSeconds(5),
                1,
                null);
        m.attemptEnd(context, 200, null, null, "HTTP/2.0");
        m.attemptEnd(context, 200, null, null, "HTTP/2.0");
        m.attemptEnd(context, 503, null, null, "HTTP/2.0");
        assertThat(registry.get(MetricNames.MODEL_REQUESTS)
                        .tag("status_code", "200")
                        .tag("model", "gpt-4.1-mini")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get(MetricNames.MODEL_REQUESTS)
                        .tag("status_code", "503")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}
