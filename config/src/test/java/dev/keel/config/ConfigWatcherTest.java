package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload against a real file: applied, partly applied, refused, unchanged, gone. */
class ConfigWatcherTest {

    @TempDir
    Path dir;

    private final List<KeelConfig> applied = new ArrayList<>();

    /** The outcome once the file has read the same twice: the first check after a write settles. */
    private static ConfigWatcher.Outcome settled(ConfigWatcher w) {
        assertThat(w.check()).isEqualTo(new ConfigWatcher.Outcome.Settling());
        return w.check();
    }

    private ConfigWatcher watcher(Path file) {
        return new ConfigWatcher(file, Yaml.resolve(file, Map.of()), () -> Yaml.resolve(file, Map.of()), applied::add);
    }

    @Test
    void untouchedFile_isUnchanged() {
        Path f = Yaml.write(dir, "traffic:\n  online:\n    in-flight: 8\n");
        assertThat(watcher(f).check()).isInstanceOf(ConfigWatcher.Outcome.Unchanged.class);
        assertThat(applied).isEmpty();
    }

    @Test
    void liveChange_isApplied() throws Exception {
        Path f = Yaml.write(dir, "traffic:\n  online:\n    in-flight: 8\nstructured-output:\n  canary-percent: 5\n");
        var w = watcher(f);
        Files.writeString(f, "traffic:\n  online:\n    in-flight: 16\nstructured-output:\n  canary-percent: 0\n");
        assertThat(settled(w))
                .isEqualTo(new ConfigWatcher.Outcome.Applied(
                        List.of("traffic.online.in-flight", "structured-output.canary-percent"), List.of()));
        assertThat(w.current().get(Settings.ONLINE_IN_FLIGHT)).isEqualTo(16);
        assertThat(applied)
                .singleElement()
                .satisfies(c -> assertThat(c.get(Settings.CANARY_PERCENT)).isZero());
        assertThat(w.check()).isInstanceOf(ConfigWatcher.Outcome.Unchanged.class);
    }

    @Test
    void changeOfAKeyThatIsNotLive_isNamedAndKeepsTheRunningValue() throws Exception {
        Path f = Yaml.write(dir, "pool:\n  max-connections: 10\n");
        var w = watcher(f);
        Files.writeString(f, "pool:\n  max-connections: 20\ndegrade:\n  fallback-model: gpt-4.1-mini\n");
        assertThat(settled(w))
                .isEqualTo(new ConfigWatcher.Outcome.Applied(
                        List.of("degrade.fallback-model"), List.of("pool.max-connections")));
        assertThat(w.current().get(Settings.MAX_CONNECTIONS)).isEqualTo(10);
        assertThat(w.current().get(Settings.DEGRADE_FALLBACK_MODEL)).isEqualTo("gpt-4.1-mini");
    }

    @Test
    void invalidFile_isRefusedWithItsProblem_andTheRunningConfigurationStays() throws Exception {
        Path f = Yaml.write(dir, "structured-output:\n  canary-percent: 5\n");
        var w = watcher(f);
        Files.writeString(f, "structured-output:\n  canary-percent: 150\n");
        assertThat(settled(w))
                .isEqualTo(new ConfigWatcher.Outcome.Refused(
                        f + ":2: structured-output.canary-percent: must be between 0 and 100, was 150"));
        assertThat(w.current().get(Settings.CANARY_PERCENT)).isEqualTo(5);
        assertThat(applied).isEmpty();
        Files.writeString(f, "structured-output:\n  canary-percent: 7\n");
        assertThat(settled(w)).isInstanceOf(ConfigWatcher.Outcome.Applied.class);
        assertThat(w.current().get(Settings.CANARY_PERCENT)).isEqualTo(7);
    }

    @Test
    void deletedFile_isRefused() throws Exception {
        Path f = Yaml.write(dir, "structured-output:\n  canary-percent: 5\n");
        var w = watcher(f);
        Files.delete(f);
        assertThat(settled(w)).isInstanceOf(ConfigWatcher.Outcome.Refused.class);
        assertThat(w.current().get(Settings.CANARY_PERCENT)).isEqualTo(5);
    }

    @Test
    void halfWrittenFile_isNeverApplied_onlyTheFileOnceItReadsTheSameTwice() throws Exception {
        Path f = Yaml.write(dir, "traffic:\n  online:\n    in-flight: 8\n");
        var w = watcher(f);
        // caught between the truncation and the write: an empty file is valid YAML (all defaults)
        Files.writeString(f, "");
        assertThat(w.check()).isEqualTo(new ConfigWatcher.Outcome.Settling());
        Files.writeString(f, "traffic:\n  online:\n    in-flight: 16\n");
        assertThat(w.check())
                .as("different bytes than the check before: still settling")
                .isEqualTo(new ConfigWatcher.Outcome.Settling());
        assertThat(applied).isEmpty();
        assertThat(w.current().get(Settings.ONLINE_IN_FLIGHT)).isEqualTo(8);
        assertThat(w.check())
                .isEqualTo(new ConfigWatcher.Outcome.Applied(List.of("traffic.online.in-flight"), List.of()));
        assertThat(w.current().get(Settings.ONLINE_IN_FLIGHT)).isEqualTo(16);
        assertThat(applied).hasSize(1);
    }

    @Test
    void fileChangedAndChangedBack_beforeItSettled_isUnchanged() throws Exception {
        String text = "traffic:\n  online:\n    in-flight: 8\n";
        Path f = Yaml.write(dir, text);
        var w = watcher(f);
        Files.writeString(f, "");
        assertThat(w.check()).isEqualTo(new ConfigWatcher.Outcome.Settling());
        Files.writeString(f, text);
        assertThat(w.check()).isEqualTo(new ConfigWatcher.Outcome.Unchanged());
        Files.writeString(f, "");
        assertThat(w.check())
                .as("the earlier half-read does not count towards settling")
                .isEqualTo(new ConfigWatcher.Outcome.Settling());
        assertThat(applied).isEmpty();
    }
}
