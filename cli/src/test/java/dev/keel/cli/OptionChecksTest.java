package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

/**
 * Every money and ratio option of {@code keel batch} (issue 14, point 6), run through the real
 * command line: a value that is not finite or out of range stops the command with exit 2 and a
 * message naming the option and the value, before the ledger is opened or the upstream called.
 */
class OptionChecksTest {

    @TempDir
    Path dir;

    private Emulator emulator;
    private final CliHarness cli = new CliHarness();

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int keel(String... args) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(
                in,
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                        + "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\",\"max_output_tokens\":20}}\n");
        var all = new ArrayList<>(List.of(args));
        all.replaceAll(a -> a.equals("FILE") ? in.toString() : a);
        all.addAll(List.of(
                "--db",
                "jdbc:sqlite:" + dir.resolve("keel.db"),
                "--run-dir",
                dir.resolve("runs").toString()));
        if (!args[1].equals("report")) {
            all.addAll(List.of("--base-url", emulator.baseUrl().toString(), "--poll-interval", "20ms"));
        }
        return cli.run(all);
    }

    private void assertRefusedBeforeAnythingStarts(String option, String value) {
        assertThat(cli.err())
                .contains("'" + option + "'")
                .contains("'" + value + "'")
                .doesNotContain("Exception");
        assertThat(emulator.requests()).as("the upstream was not called").isEmpty();
        assertThat(dir.resolve("keel.db")).as("the ledger was not opened").doesNotExist();
    }

    @ParameterizedTest(name = "batch {0} {1} {2}")
    @CsvSource({
        "run, --max-cost, NaN",
        "run, --max-cost, Infinity",
        "run, --max-cost, -1",
        "run, --max-cost, 1e400",
        "run, --max-cost, 0x10p0",
        "submit, --max-cost, nan",
        "run, --daily-cap, NaN",
        "run, --daily-cap, -0.01",
        "worker, --daily-cap, -Infinity",
        "report, --daily-cap, NaN",
        "run, --alert-threshold, 2",
        "run, --alert-threshold, -0.5",
        "run, --alert-threshold, NaN",
        "cancel, --alert-threshold, 1.5",
        "report, --alert-threshold, 3",
        "report, --alert-threshold, Infinity",
    })
    void aBadMoneyOrRatioValue_exitsTwoNamingTheOptionAndValue(String command, String option, String value)
            throws Exception {
        var args = new ArrayList<>(List.of("batch", command));
        if (command.equals("run") || command.equals("submit")) {
            args.add("FILE");
        }
        args.addAll(List.of(option, value));
        assertThat(keel(args.toArray(String[]::new))).isEqualTo(ExitCodes.BAD_INPUT);
        assertRefusedBeforeAnythingStarts(option, value);
    }

    @Test
    void goodValues_areAcceptedAndTheRunFinishes() throws Exception {
        assertThat(keel("batch", "run", "FILE", "--max-cost", "0.5", "--daily-cap", "10", "--alert-threshold", "1"))
                .isZero();
        assertThat(keel("batch", "report", "--daily-cap", "0", "--alert-threshold", "0"))
                .isZero();
    }

    @Test
    void money_acceptsZeroAndDecimals_andReadsMinusZeroAsZero() {
        var money = new OptionChecks.Money();
        assertThat(money.convert("0")).isZero();
        assertThat(money.convert("12.50")).isEqualTo(12.5);
        assertThat(money.convert("-0")).isEqualTo(0.0);
        assertThat(Double.doubleToRawLongBits(money.convert("-0.0"))).isZero();
        assertThatThrownBy(() -> money.convert("5 USD"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'5 USD' is not a number");
    }

    @Test
    void ratio_acceptsTheClosedRangeZeroToOne() {
        var ratio = new OptionChecks.Ratio();
        assertThat(ratio.convert("0")).isZero();
        assertThat(ratio.convert("1")).isEqualTo(1.0);
        assertThat(ratio.convert(".03")).isEqualTo(0.03);
        assertThatThrownBy(() -> ratio.convert("1.0000001"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("outside 0..1");
    }

    @ParameterizedTest(name = "batch {0} {1} {2}")
    @CsvSource({
        "run, --poll-interval, 5x",
        "run, --latency-tolerance, soon",
        "submit, --give-up-after, 10",
        "worker, --lease, 2 m",
        "run, --output-expires-after, 1.5hours",
        "cancel, --per-call-timeout, 1h30",
    })
    void aBadDuration_exitsTwoNamingTheOptionAndGivingExamples(String command, String option, String value)
            throws Exception {
        var args = new ArrayList<>(List.of("batch", command));
        if (command.equals("run") || command.equals("submit")) {
            args.add("FILE");
        }
        args.addAll(List.of(option, value));
        assertThat(keel(args.toArray(String[]::new))).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("keel: Invalid value for option '" + option + "': '" + value
                        + "' is not a duration; use e.g. 30s, 250ms, 5m");
        assertRefusedBeforeAnythingStarts(option, value);
    }

    @Test
    void durations_readWhatKeelYamlReads() {
        var durations = new OptionChecks.Durations();
        assertThat(durations.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(durations.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(durations.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(durations.convert("28d")).isEqualTo(Duration.ofDays(28));
        assertThat(durations.convert("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThat(durations.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(durations.convert("0.25m")).isEqualTo(Duration.ofSeconds(15));
        assertThatThrownBy(() -> durations.convert("1.5"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'1.5' is not a duration; use e.g. 30s, 250ms, 5m");
        assertThatThrownBy(() -> durations.convert("5x"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'5x' is not a duration; use e.g. 30s, 250ms, 5m");
    }

    @Test
    void durationOptions_ofEmulatorGatewayAndDoctor_useTheSameConverter() {
        assertThat(cli.run("emulator", "--flex-latency", "fast")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("'--flex-latency': 'fast' is not a duration; use e.g. 30s, 250ms, 5m");
        assertThat(cli.run("gateway", "--body-timeout", "10")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("'--body-timeout': '10' is not a duration");
        assertThat(cli.run("doctor", "timeouts", "--gateway", "40", "--service", "32s"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("'--gateway': '40' is not a duration");
        assertThat(cli.run("doctor", "timeouts", "--gateway", "40s", "--layer", "worker=20x"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--layer 'worker=20x': '20x' is not a duration; use e.g. 30s, 250ms, 5m");
        assertThat(cli.run(
                        "doctor",
                        "timeouts",
                        "--gateway",
                        "40s",
                        "--service",
                        "32s",
                        "--client",
                        "PT30S",
                        "--layer",
                        "db=5s"))
                .as(cli.err())
                .isZero();
        assertThat(cli.out()).contains("OK gateway 40s > service 32s > client 30s > db 5s");
    }
}
