package dev.keel.structured.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.structured.decode.CompatFallback;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.tickets.TicketDecoders;
import dev.keel.wire.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutTest {

    private static final SchemaRegistry REGISTRY = TicketDecoders.registry();

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RecordingRolloutListener listener = new RecordingRolloutListener();

    private Rollout start(String yaml) throws Exception {
        Path f = dir.resolve("keel.yaml");
        Files.writeString(f, yaml);
        return Rollout.start("ticket", REGISTRY, new RolloutConfigLoader(Map.of(), f), clock, metrics, listener);
    }

    private void edit(String yaml) throws Exception {
        Files.writeString(dir.resolve("keel.yaml"), yaml);
    }

    private int canaryCount(Rollout r, int keys) {
        int n = 0;
        for (int i = 0; i < keys; i++) {
            Assignment a = r.assign("tenant-" + i);
            assertThat(a.version()).isEqualTo(a.arm() == Arm.CANARY ? "v2" : "v1");
            n += a.arm() == Arm.CANARY ? 1 : 0;
        }
        return n;
    }

    @Test
    void assign_canaryGetsTheVersion_restGetsThePreviousOne_exactAt0And100() throws Exception {
        assertThat(canaryCount(start("structured_output: {schema_version: v2, canary_percent: 0}"), 1000))
                .isZero();
        assertThat(canaryCount(start("structured_output: {schema_version: v2, canary_percent: 100}"), 1000))
                .isEqualTo(1000);
        assertThat(canaryCount(start("structured_output: {schema_version: v2, canary_percent: 20}"), 10_000))
                .isBetween(1_800, 2_200);
    }

    @Test
    void configRollback_editedFile_takesEffectOnTheFirstCallAfterTheReloadInterval() throws Exception {
        Rollout r = start("structured_output: {schema_version: v2, canary_percent: 100, reload_interval: 5s}");
        assertThat(r.assign("tenant-1").version()).isEqualTo("v2");
        edit("structured_output: {schema_version: v1, canary_percent: 0, compat_fallback: 1, reload_interval: 5s}");
        clock.advance(Duration.ofSeconds(4));
        assertThat(r.assign("tenant-1").version()).as("not yet re-read").isEqualTo("v2");
        clock.advance(Duration.ofSeconds(1));
        assertThat(r.assign("tenant-1")).isEqualTo(new Assignment("v1", Arm.BASELINE, CompatFallback.ON));
        assertThat(canaryCount(r, 200)).isZero();
        assertThat(listener.events).containsExactly("changed v1@0 (reloaded)");
    }

    @Test
    void logicRollback_compatForce_keepsTheVersionAndForcesCompat() throws Exception {
        Rollout r = start("structured_output: {schema_version: v2, canary_percent: 100}");
        edit("structured_output: {schema_version: v2, canary_percent: 100, compat_fallback: force}");
        r.reload();
        assertThat(r.assign("t")).isEqualTo(new Assignment("v2", Arm.CANARY, CompatFallback.FORCE));
    }

    @Test
    void reload_invalidFile_keepsTheLastGoodConfigAndSaysSo() throws Exception {
        Rollout r = start("structured_output: {schema_version: v2, canary_percent: 20}");
        edit("structured_output: {schema_version: v2, canary_percent: 120}");
        clock.advance(Duration.ofSeconds(5));
        assertThat(r.assign("t").version()).isIn("v1", "v2");
        assertThat(r.effective().canaryPercent()).isEqualTo(20);
        assertThat(listener.events).containsExactly("reload failed");
        assertThat(metrics.get(Rollout.RELOAD_FAILED_METRIC).counter().count()).isEqualTo(1);
        edit("structured_output: {schema_version: v9}");
        r.reload();
        assertThat(listener.events).containsExactly("reload failed", "reload failed");
    }

    @Test
    void start_invalidConfig_isRefused() {
        assertThatThrownBy(() -> start("structured_output: {canary_percent: 101}"))
                .hasMessageContaining("canary_percent must be an integer within 0-100, got 101");
        assertThatThrownBy(() -> start("structured_output: {schema_version: v3}"))
                .hasMessageContaining("schema ticket/v3 is not registered");
    }

    @Test
    void autoRollback_canaryFallbackRateAboveBaselineByTheMargin_dropsTheCanaryTo0WithEventAndMetric()
            throws Exception {
        Rollout r = start("""
                structured_output:
                  schema_version: v2
                  canary_percent: 20
                  auto_rollback: {margin: 0.10, min_samples: 20, window: 100}
                """);
        for (int i = 0; i < 40; i++) {
            r.record(Arm.BASELINE, i % 20 == 0 ? DecodeMode.COMPAT : DecodeMode.STRICT); // 5 %
        }
        for (int i = 0; i < 19; i++) {
            r.record(Arm.CANARY, i % 2 == 0 ? DecodeMode.SUMMARY : DecodeMode.STRICT);
        }
        assertThat(r.autoRollback())
                .as("19 canary samples are below the minimum")
                .isNull();
        r.record(Arm.CANARY, DecodeMode.COMPAT);
        RollbackEvent e = r.autoRollback();
        assertThat(e).isNotNull();
        assertThat(e.canaryBadRate()).isEqualTo(0.55);
        assertThat(e.baselineBadRate()).isEqualTo(0.05);
        assertThat(e.reason()).contains("canary v2 at 20%", "55.0%", "5.0%", "10.0 points");
        assertThat(r.effective().canaryPercent()).isZero();
        assertThat(canaryCount(r, 500)).isZero();
        assertThat(metrics.get(Rollout.ROLLBACK_METRIC)
                        .tag("reason", "auto")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(r.describe().path("auto_rollback").path("active").asBoolean())
                .isTrue();
        assertThat(listener.events).containsExactly("auto rollback", "changed v2@0 (automatic rollback)");

        clock.advance(Duration.ofSeconds(5));
        r.assign("t");
        assertThat(r.effective().canaryPercent())
                .as("holds while the file is unchanged")
                .isZero();
        edit("""
                structured_output:
                  schema_version: v2
                  canary_percent: 5
                  auto_rollback: {margin: 0.10, min_samples: 20, window: 100}
                """);
        clock.advance(Duration.ofSeconds(5));
        r.assign("t");
        assertThat(r.effective().canaryPercent())
                .as("a new percent ends the rollback")
                .isEqualTo(5);
        assertThat(r.autoRollback()).isNull();
    }

    @Test
    void autoRollback_similarRates_orForcedCompat_doNotTrip() throws Exception {
        Rollout r = start("structured_output: {schema_version: v2, canary_percent: 50,"
                + " auto_rollback: {margin: 0.10, min_samples: 10, window: 100}}");
        for (int i = 0; i < 50; i++) {
            r.record(Arm.BASELINE, i % 5 == 0 ? DecodeMode.COMPAT : DecodeMode.STRICT);
            r.record(Arm.CANARY, i % 4 == 0 ? DecodeMode.COMPAT : DecodeMode.STRICT);
        }
        assertThat(r.autoRollback()).isNull();
        r.override(c -> c.withCompatFallback(CompatFallback.FORCE));
        for (int i = 0; i < 50; i++) {
            r.record(Arm.CANARY, DecodeMode.COMPAT);
        }
        assertThat(r.autoRollback()).isNull();
    }

    @Test
    void override_throughTheApi_appliesAtOnce_andInvalidOverridesAreRefused() throws Exception {
        Rollout r = start("structured_output: {schema_version: v2, canary_percent: 100}");
        r.override(c -> c.withSchemaVersion("v1").withCanaryPercent(0));
        assertThat(r.assign("t").version()).isEqualTo("v1");
        assertThatThrownBy(() -> r.override(c -> c.withSchemaVersion("v7"))).hasMessageContaining("ticket/v7");
        assertThat(r.assign("t").version()).isEqualTo("v1");
        r.clearOverride();
        assertThat(r.assign("t").version()).isEqualTo("v2");
        assertThat(r.describe().path("api_override").asBoolean()).isFalse();
    }
}
