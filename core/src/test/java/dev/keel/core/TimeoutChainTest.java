package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.TimeoutChain.Layer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeoutChainTest {

    private static Layer layer(String name, long seconds) {
        return new Layer(name, Duration.ofSeconds(seconds));
    }

    @Test
    void check_recipesFakeTimeoutChain_flagsBothInvertedPairs() {
        var findings = TimeoutChain.check(List.of(layer("gateway", 20), layer("service", 25), layer("client", 30)));
        assertThat(findings).hasSize(2);
        assertThat(findings.get(0).message()).startsWith("gateway (20s) is shorter than service (25s)");
        assertThat(findings.get(1).message()).startsWith("service (25s) is shorter than client (30s)");
        assertThat(findings.get(0).message()).contains("Make gateway longer than service");
    }

    @Test
    void check_outerLongerThanInner_isClean() {
        assertThat(TimeoutChain.check(List.of(layer("gateway", 40), layer("service", 32), layer("client", 30))))
                .isEmpty();
    }

    @Test
    void check_equalLayers_areFlagged() {
        assertThat(TimeoutChain.check(List.of(layer("business", 30), layer("per-call", 30)))
                        .get(0)
                        .message())
                .contains("business (30s) equals per-call (30s)");
    }

    @Test
    void check_nonPositiveTimeout_isRefused() {
        assertThatThrownBy(() -> TimeoutChain.check(List.of(layer("x", 0))))
                .hasMessageContaining("'x' must be positive");
    }
}
