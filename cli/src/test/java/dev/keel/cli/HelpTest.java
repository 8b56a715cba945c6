package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * {@code --help} of every command, through the real command line: within the width, no picocli
 * warning, a summary that is a whole sentence, and the text pinned by a golden file under {@code
 * src/test/resources/help/} (regenerate with {@code -Dkeel.help.update=true} after a deliberate change).
 */
class HelpTest {

    private static final int WIDTH = 80;
    private static final Path GOLDEN = Path.of("src/test/resources/help");

    /** Every command path below the root: [], [batch], [batch, run], … */
    private static List<List<String>> commandPaths() {
        var out = new ArrayList<List<String>>();
        walk(Main.commandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().aliases().length == 0
                    || !List.of(sub.getCommandSpec().aliases()).contains(name)) {
                var next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, out);
            }
        });
    }

    private record Rendered(int exit, String out, String err) {}

    private static Rendered help(List<String> path) {
        var args = new ArrayList<>(path);
        args.add("--help");
        var cli = new CliHarness();
        PrintStream stderr = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = cli.run(args);
        } finally {
            System.setErr(stderr);
        }
        return new Rendered(exit, cli.out(), cli.err() + captured.toString(StandardCharsets.UTF_8));
    }

    @TestFactory
    Stream<DynamicTest> help_ofEveryCommand_fitsTheWidthWarnsNothingAndMatchesItsGoldenFile() {
        return commandPaths().stream()
                .map(path -> DynamicTest.dynamicTest("keel " + String.join(" ", path), () -> {
                    Rendered r = help(path);
                    assertThat(r.exit()).isZero();
                    assertThat(r.err()).as("stderr of %s --help", path).isEmpty();
                    for (String line : r.out().lines().toList()) {
                        assertThat(line.length())
                                .as("line of keel %s --help: '%s'", path, line)
                                .isLessThanOrEqualTo(WIDTH);
                    }
                    Path golden = GOLDEN.resolve((path.isEmpty() ? "keel" : "keel-" + String.join("-", path)) + ".txt");
                    if (Boolean.getBoolean("keel.help.update")) {
                        Files.createDirectories(GOLDEN);
                        Files.writeString(golden, r.out());
                    }
                    assertThat(golden)
                            .as("golden file (regenerate with -Dkeel.help.update=true)")
                            .exists();
                    assertThat(r.out()).isEqualTo(Files.readString(golden));
                }));
    }

    @TestFactory
    Stream<DynamicTest> summary_ofEveryCommand_isOneWholeSentence() {
        return commandPaths().stream()
                .filter(p -> !p.isEmpty())
                .map(path -> DynamicTest.dynamicTest("keel " + String.join(" ", path), () -> {
                    CommandLine cl = Main.commandLine();
                    for (String name : path) {
                        cl = cl.getSubcommands().get(name);
                    }
                    String[] description = cl.getCommandSpec().usageMessage().description();
                    assertThat(description).as("description of %s", path).isNotEmpty();
                    String summary = description[0].strip();
                    assertThat(summary)
                            .as("first line of %s's description", path)
                            .matches("[A-Z].*[.)]");
                }));
    }

    @Test
    void helpCommand_takesANestedCommand() {
        var cli = new CliHarness();
        assertThat(cli.run("help", "batch", "run")).isZero();
        assertThat(cli.out()).startsWith("Usage: keel batch run ");
    }

    @Test
    void helpCommand_unknownCommand_exits2NamingIt() {
        var cli = new CliHarness();
        assertThat(cli.run("help", "batch", "frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("'frobnicate'", "keel batch");
    }

    @Test
    void completion_printsAScriptForBashAndZsh() {
        var cli = new CliHarness();
        for (String shell : List.of("bash", "zsh")) {
            assertThat(cli.run("completion", shell)).isZero();
            assertThat(cli.out()).contains("complete -F", "keel", "batch");
            if (shell.equals("zsh")) {
                assertThat(cli.out()).contains("bashcompinit");
            }
        }
        assertThat(cli.run("completion", "fish")).isEqualTo(ExitCodes.BAD_INPUT);
    }
}
