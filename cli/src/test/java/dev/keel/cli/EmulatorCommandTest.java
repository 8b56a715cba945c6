package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code keel emulator}'s flags reach the emulator's configuration. */
class EmulatorCommandTest {

    private static EmulatorCommand parsed(String... args) {
        return new CliHarness().parse(new EmulatorCommand(), args);
    }

    @Test
    void emulator_noFlags_isStrictWithTheDefaultModels() {
        var config = parsed().config();
        assertThat(config.lenient()).isFalse();
        assertThat(config.models().knows("gpt-4.1-mini")).isTrue();
        assertThat(config.models().knows("my-model")).isFalse();
    }

    @Test
    void emulator_lenientAndModelFlags_areApplied() {
        var config =
                parsed("--lenient", "--model", "my-model", "--model", "other").config();
        assertThat(config.lenient()).isTrue();
        assertThat(config.models().knows("my-model")).isTrue();
        assertThat(config.models().knows("ft:other:acme::x1")).isTrue();
        assertThat(config.models().knows("gpt-4.1-mini")).isTrue();
    }
}
