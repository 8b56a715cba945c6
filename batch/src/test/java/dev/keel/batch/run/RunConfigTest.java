package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    @Test
    void defaultsFollowTheRecipe() {
        RunConfig c = RunConfig.ofDefaults();
        assertThat(c.maxReplays()).isEqualTo(3);
        assertThat(c.latencyTolerance()).isEqualTo(Duration.ofHours(24));
        assertThat(c.maxCostUsd()).isNull();
    }

    @Test
    void outOfRangeValuesNameTheirOption() {
        var d = RunConfig.ofDefaults();
        assertThatThrownBy(() -> d.withMaxReplays(11)).hasMessageContaining("--max-replays");
        assertThatThrownBy(() -> d.withMaxCost(-1.0)).hasMessageContaining("--max-cost");
        assertThatThrownBy(() -> d.withDailyCap(-1.0)).hasMessageContaining("--daily-cap");
        assertThatThrownBy(() -> d.withSyncFallback(true, Duration.ofHours(25)))
                .hasMessageContaining("--latency-tolerance");
        assertThatThrownBy(() -> d.withPollInterval(Duration.ZERO)).hasMessageContaining("--poll-interval");
        assertThatThrownBy(() -> d.withWorker("w", Duration.ofSeconds(30)))
                .hasMessageContaining("--lease (PT30S) must be longer than --poll-interval (PT30S)");
        assertThat(d.withWorker("w", Duration.ofSeconds(31)).lease()).isEqualTo(Duration.ofSeconds(31));
    }
}
