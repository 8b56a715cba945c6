package dev.keel.structured.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.structured.decode.CompatFallback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolloutConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void load_fromEnvironment_readsTheThreeRecipeKeys() {
        var c = new RolloutConfigLoader(
                        Map.of(
                                "STRUCTURED_OUTPUT_SCHEMA_VERSION", "v2",
                                "STRUCTURED_OUTPUT_CANARY_PERCENT", "20",
                                "STRUCTURED_OUTPUT_COMPAT_FALLBACK", "1"),
                        null)
                .load();
        assertThat(c.schemaVersion()).isEqualTo("v2");
        assertThat(c.canaryPercent()).isEqualTo(20);
        assertThat(c.compatFallback()).isEqualTo(CompatFallback.ON);
    }

    @Test
    void load_fromKeelYaml_readsTheSection() throws Exception {
        Path f = write("""
                structured_output:
                  schema_version: v2
                  baseline_version: v1
                  canary_percent: 5
                  compat_fallback: force
                  reload_interval: 2s
                  auto_rollback: {margin: 0.1, min_samples: 50, window: 400}
                """);
        var c = new RolloutConfigLoader(Map.of(), f).load();
        assertThat(c)
                .isEqualTo(new RolloutConfig(
                        "v2",
                        "v1",
                        5,
                        CompatFallback.FORCE,
                        new AutoRollbackConfig(true, 0.1, 50, 400),
                        Duration.ofSeconds(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "101", "20%", "abc", "5.5"})
    void load_canaryPercentOutside0To100_isRefusedNamingTheVariable(String bad) {
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of("STRUCTURED_OUTPUT_CANARY_PERCENT", bad), null).load())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRUCTURED_OUTPUT_CANARY_PERCENT must be an integer within 0-100");
    }

    @Test
    void load_badPercentInFile_namesFileAndKey() throws Exception {
        Path f = write("structured_output:\n  canary_percent: 150\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), f).load())
                .hasMessageContaining(
                        f + ": structured_output.canary_percent must be an integer within 0-100, got 150");
    }

    @Test
    void load_sameKeyInEnvironmentAndFile_isRefused() throws Exception {
        Path f = write("structured_output:\n  canary_percent: 5\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of("STRUCTURED_OUTPUT_CANARY_PERCENT", "0"), f).load())
                .hasMessageContaining("STRUCTURED_OUTPUT_CANARY_PERCENT is set in the environment")
                .hasMessageContaining("set it in one place only");
    }

    @Test
    void load_unknownKeyOrBadFallback_isRefused() throws Exception {
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), write("structured_output:\n  canary: 5\n")).load())
                .hasMessageContaining("structured_output.canary is not a setting");
        assertThatThrownBy(() ->
                        new RolloutConfigLoader(Map.of("STRUCTURED_OUTPUT_COMPAT_FALLBACK", "maybe"), null).load())
                .hasMessageContaining("STRUCTURED_OUTPUT_COMPAT_FALLBACK must be 0, 1 or force");
    }

    @Test
    void load_missingFile_isEmptyDefaults() {
        assertThat(new RolloutConfigLoader(Map.of(), dir.resolve("none.yaml")).load())
                .isEqualTo(RolloutConfig.ofDefaults());
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("keel.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void load_wrongShapeUnknownKeysAndBadNumbers_nameFileLineAndKeyWithASuggestion() throws Exception {
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), write("- structured_output\n")).load())
                .hasMessageContaining("expected a mapping of sections")
                .hasMessageContaining("not a list");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), write("just text\n")).load())
                .hasMessageContaining("not a scalar");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), write("structured_output: [1, 2]\n")).load())
                .hasMessageContaining(":1: structured_output must be a mapping");
        Path section = write("structured_ouput:\n  canary_percent: 5\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), section).load())
                .hasMessageContaining(section + ":1: unknown section 'structured_ouput'")
                .hasMessageContaining("did you mean 'structured_output'?");
        Path typo = write("structured_output:\n  schema_version: v2\n  canary_precent: 5\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), typo).load())
                .hasMessageContaining(typo + ":3: structured_output.canary_precent is not a setting")
                .hasMessageContaining("did you mean 'canary_percent'?");
        Path auto = write("structured_output:\n  auto_rollback:\n    enabled: true\n    windw: 10\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), auto).load())
                .hasMessageContaining(auto + ":4:")
                .hasMessageContaining("did you mean 'window'?");
        Path margin = write("structured_output:\n  auto_rollback:\n    margin: abc\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), margin).load())
                .hasMessageContaining(margin + ":3: structured_output.auto_rollback.margin must be a number, got abc");
        Path samples = write("structured_output:\n  auto_rollback:\n    min_samples: 2.5\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), samples).load())
                .hasMessageContaining("min_samples must be a whole number");
        Path notMap = write("structured_output:\n  auto_rollback: yes\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), notMap).load())
                .hasMessageContaining("auto_rollback must be a mapping");
        Path reload = write("structured_output:\n  reload_interval: soon\n");
        assertThatThrownBy(() -> new RolloutConfigLoader(Map.of(), reload).load())
                .hasMessageContaining(reload + ":2: structured_output.reload_interval 'soon' is not a duration");
    }
}
