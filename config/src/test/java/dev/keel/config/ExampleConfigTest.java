package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.TrafficClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The annotated examples load as they are, and say what their comments say. */
class ExampleConfigTest {

    @Test
    void examplesKeelYaml_loadsAndSetsWhatItsCommentsSay() {
        Path file = ConfigReferenceTest.repoFile("examples/keel.yaml");
        KeelConfig c = KeelConfig.resolve(List.of(ConfigLayer.environment(Map.of()), ConfigLayer.yaml(file)));
        assertThat(c.inFlight(TrafficClass.BATCH)).isEqualTo(16);
        assertThat(c.get(Settings.CALLER_TIMEOUT)).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.get(Settings.DEGRADE_FALLBACK_MODEL)).isEqualTo("gpt-4.1-mini");
        assertThat(c.rolloutConfig().canaryPercent()).isEqualTo(5);
        assertThat(c.runConfig("w").maxCostUsd()).isEqualTo(25.0);
        assertThat(c.get(Settings.MAX_RESPONSE_SIZE)).isEqualTo(512L << 20);
        assertThat(c.origin(Settings.MAX_ATTEMPTS).toString()).startsWith(file + ":");
        // every value not marked "(not a default)" is the default
        var notDefault = c.entries().stream()
                .filter(e -> !KeelConfig.defaults()
                        .entries()
                        .contains(new KeelConfig.Entry(e.key(), e.value(), Origin.DEFAULT, e.live())))
                .map(KeelConfig.Entry::key)
                .toList();
        assertThat(notDefault)
                .containsExactlyInAnyOrder(
                        "timeouts.caller",
                        "traffic.batch.in-flight",
                        "degrade.fallback-model",
                        "batch.max-cost",
                        "batch.daily-cap",
                        "structured-output.schema-version",
                        "structured-output.baseline-version",
                        "structured-output.canary-percent");
    }

    @Test
    void structuredTicketsExample_snakeCaseSection_stillLoads() {
        Path file = ConfigReferenceTest.repoFile("examples/structured-tickets/keel.yaml");
        KeelConfig c = KeelConfig.resolve(List.of(ConfigLayer.yaml(file)));
        assertThat(c.rolloutConfig().canaryPercent()).isEqualTo(20);
        assertThat(c.rolloutConfig().schemaVersion()).isEqualTo("v2");
    }
}
