package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test harness itself: its environment, working directory, captures and exit codes reach the real commands. */
class CliHarnessTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    private static String source(String showJson, String key) {
        for (var s : Json.parse(showJson).get("settings")) {
            if (s.get("key").asText().equals(key)) {
                return s.get("source").asText();
            }
        }
        throw new AssertionError("no " + key);
    }

    @Test
    void workingDir_keelYamlThere_isReadByTheCommand() throws Exception {
        Path yaml = Files.writeString(dir.resolve("keel.yaml"), "retry:\n  max-attempts: 5\n");
        assertThat(cli.env(Map.of()).workingDir(dir).run("config", "show", "--format", "json"))
                .as(cli.err())
                .isZero();
        assertThat(source(cli.out(), "retry.max-attempts")).isEqualTo(yaml + ":2");
    }

    @Test
    void env_reachesNestedSubcommands_insteadOfTheProcessEnvironment() {
        assertThat(cli.env(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"))
                        .run("config", "show", "--format", "json"))
                .as(cli.err())
                .isZero();
        assertThat(source(cli.out(), "upstream.base-url")).isEqualTo("env OPENAI_BASE_URL");
    }

    @Test
    void env_keelDebugInTheCommandsEnvironment_printsTheStackTrace() {
        assertThat(cli.env(Map.of("KEEL_DEBUG", "1")).run("emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("keel: invalid fault 'status:700'", "\tat dev.keel");
        assertThat(cli.env(Map.of()).run("emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("keel: invalid fault 'status:700'").doesNotContain("\tat dev.keel");
    }

    @Test
    void run_eachRunStartsWithEmptyCaptures_andReturnsTheExitCode() {
        assertThat(cli.run("--frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("Unknown option: '--frobnicate'");
        assertThat(cli.run("--version")).isZero();
        assertThat(cli.err()).isEmpty();
        assertThat(cli.out()).startsWith("keel ");
    }
}
