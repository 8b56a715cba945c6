package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private StringWriter err;

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
        err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
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
        return cl.execute(all.toArray(String[]::new));
    }

    private void assertRefusedBeforeAnythingStarts(String option, String value) {
        assertThat(err.toString())
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
}
