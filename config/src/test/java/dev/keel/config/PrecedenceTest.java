package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One case per precedence pair: flags > environment > keel.yaml > defaults, and where the file is found. */
class PrecedenceTest {

    @TempDir
    Path dir;

    private KeelConfig load(ConfigLayer flags, Map<String, String> env, String yaml) {
        return ConfigFiles.load(flags, env, Optional.of(Yaml.write(dir, yaml)));
    }

    @Test
    void flag_beatsEnvironment() {
        KeelConfig c = load(
                Yaml.flags("traffic.online.in-flight", "--in-flight", "7"),
                Map.of("KEEL_TRAFFIC_ONLINE_IN_FLIGHT", "9"),
                "");
        assertThat(c.get(Settings.ONLINE_IN_FLIGHT)).isEqualTo(7);
        assertThat(c.origin(Settings.ONLINE_IN_FLIGHT)).hasToString("flag --in-flight");
    }

    @Test
    void flag_beatsFile() {
        KeelConfig c = load(
                Yaml.flags("timeouts.business", "--business-timeout", "45s"), Map.of(), "timeouts:\n  business: 50s\n");
        assertThat(c.get(Settings.BUSINESS_TIMEOUT)).hasSeconds(45);
    }

    @Test
    void flagNotGiven_leavesTheFileValue() {
        KeelConfig c = load(ConfigLayer.empty("flags"), Map.of(), "timeouts:\n  business: 50s\n");
        assertThat(c.get(Settings.BUSINESS_TIMEOUT)).hasSeconds(50);
        assertThat(c.origin(Settings.BUSINESS_TIMEOUT)).hasToString(dir.resolve("keel.yaml") + ":2");
    }

    @Test
    void environment_beatsFile() {
        KeelConfig c =
                load(ConfigLayer.empty("flags"), Map.of("KEEL_RETRY_MAX_ATTEMPTS", "4"), "retry:\n  max-attempts: 2\n");
        assertThat(c.get(Settings.MAX_ATTEMPTS)).isEqualTo(4);
        assertThat(c.origin(Settings.MAX_ATTEMPTS)).hasToString("env KEEL_RETRY_MAX_ATTEMPTS");
    }

    @Test
    void openAiVariables_beatTheFile() {
        KeelConfig c = load(
                ConfigLayer.empty("flags"),
                Map.of(
                        "OPENAI_API_KEY", "sk-env",
                        "OPENAI_BASE_URL", "http://127.0.0.1:1/v1",
                        "OPENAI_ORG_ID", "org-env",
                        "OPENAI_PROJECT_ID", "proj-env"),
                "upstream:\n  api-key: sk-file\n  base-url: http://file/v1\n  organization: org-file\n  project: p\n");
        assertThat(c.get(Settings.API_KEY)).isEqualTo("sk-env");
        assertThat(c.get(Settings.BASE_URL)).hasToString("http://127.0.0.1:1/v1");
        assertThat(c.get(Settings.ORGANIZATION)).isEqualTo("org-env");
        assertThat(c.get(Settings.PROJECT)).isEqualTo("proj-env");
        assertThat(c.origin(Settings.API_KEY)).hasToString("env OPENAI_API_KEY");
    }

    @Test
    void emptyVariable_countsAsUnset() {
        KeelConfig c =
                load(ConfigLayer.empty("flags"), Map.of("OPENAI_API_KEY", " "), "upstream:\n  api-key: sk-file\n");
        assertThat(c.get(Settings.API_KEY)).isEqualTo("sk-file");
    }

    @Test
    void file_beatsDefault() {
        KeelConfig c = load(ConfigLayer.empty("flags"), Map.of(), "breaker:\n  open-for: 45s\n");
        assertThat(c.get(Settings.BREAKER_OPEN_FOR)).hasSeconds(45);
        assertThat(c.isDefault(Settings.BREAKER_WINDOW)).isTrue();
        assertThat(c.origin(Settings.BREAKER_WINDOW)).hasToString("default");
    }

    @Test
    void flagMap_replacesTheFilesEntriesWhole() {
        KeelConfig c = load(
                Yaml.flags("realtime.app-tokens.carol", "--app-token", "tok-c"),
                Map.of(),
                "realtime:\n  app-tokens:\n    alice: tok-a\n");
        assertThat(c.map(Settings.APP_TOKENS)).containsExactly(Map.entry("carol", "tok-c"));
    }

    @Test
    void snakeCaseKeys_bindLikeKebabCase_soAnExistingStructuredOutputSectionStillLoads() {
        KeelConfig c = load(ConfigLayer.empty("flags"), Map.of(), "structured_output:\n  canary_percent: 15\n");
        assertThat(c.get(Settings.CANARY_PERCENT)).isEqualTo(15);
    }

    @Test
    void propertyLayer_fromAnotherBinder_keepsItsOrigins() {
        var boot = ConfigLayer.tree(
                "application.yml",
                Map.of("retry", Map.of("max-attempts", 6), "realtime", Map.of("app-tokens", Map.of("dan_1", "t"))),
                key -> Origin.property("application.yml [keel." + key + "]"));
        KeelConfig c = KeelConfig.resolve(List.of(boot));
        assertThat(c.get(Settings.MAX_ATTEMPTS)).isEqualTo(6);
        assertThat(c.origin(Settings.MAX_ATTEMPTS)).hasToString("application.yml [keel.retry.max-attempts]");
        assertThat(c.map(Settings.APP_TOKENS)).containsKey("dan_1");
    }

    @Test
    void locate_configFlag_beatsVariable_beatsWorkingDirectory() throws Exception {
        Path flag = Files.writeString(dir.resolve("a.yaml"), "");
        Path named = Files.writeString(dir.resolve("b.yaml"), "");
        Files.writeString(dir.resolve("keel.yaml"), "");
        var env = Map.of("KEEL_CONFIG", named.toString());
        assertThat(ConfigFiles.locate(flag, env, dir)).contains(flag);
        assertThat(ConfigFiles.locate(null, env, dir)).contains(named);
        assertThat(ConfigFiles.locate(null, Map.of(), dir)).contains(dir.resolve("keel.yaml"));
        assertThat(ConfigFiles.locate(
                        null, Map.of(), dir.resolve("a.yaml").getParent().resolve("nowhere")))
                .isEmpty();
    }

    @Test
    void locate_namedFileMissing_isAnErrorNotASilentDefault() {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> ConfigFiles.locate(null, Map.of("KEEL_CONFIG", missing.toString()), dir))
                .hasMessageStartingWith("env KEEL_CONFIG: " + missing + ": no such file");
        assertThatThrownBy(() -> ConfigFiles.locate(missing, Map.of(), dir))
                .hasMessageStartingWith("flag --config: " + missing + ": no such file");
    }
}
