package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The settings a running client takes from a reloaded configuration. */
class KeelClientLiveSettingsTest {

    private static KeelClient client() {
        return KeelClient.builder(KeelClientConfig.builder("sk-test", URI.create("http://127.0.0.1:9/v1"))
                        .inFlightLimit(4)
                        .build())
                .build();
    }

    @Test
    void setInFlightLimit_changesTheConfiguredAndTheCurrentLimit() {
        try (var c = client()) {
            c.setInFlightLimit(16);
            assertThat(c.inFlight().configured()).isEqualTo(16);
            assertThat(c.inFlight().limit()).isEqualTo(16);
            assertThatThrownBy(() -> c.setInFlightLimit(0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.inFlight().limit()).isEqualTo(16);
        }
    }

    @Test
    void setFallbackModel_isWhatTheDegradeReactionUsesFromThenOn() {
        try (var c = client()) {
            assertThat(c.degrade().config().fallbackModel()).isNull();
            c.setFallbackModel("gpt-4.1-mini");
            assertThat(c.degrade().config().fallbackModel()).isEqualTo("gpt-4.1-mini");
            c.setFallbackModel(null);
            assertThat(c.degrade().config().fallbackModel()).isNull();
        }
    }
}
