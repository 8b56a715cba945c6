package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The real command line, run in-process: exit codes and what it prints. */
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cl, String... args) {
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void version_printsKeelAndJava() {
        assertThat(run(Main.commandLine(), "--version")).isZero();
        assertThat(out.toString()).startsWith("keel ").contains("Java ");
    }

    @Test
    void help_listsCommandsAndExitCodes() {
        assertThat(run(Main.commandLine(), "--help")).isZero();
        assertThat(out.toString()).contains("emulator", "Exit codes:", "2  bad usage or input");
    }

    @Test
    void unknownOption_exits2WithAHint() {
        assertThat(run(Main.commandLine(), "--frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'", "Run 'keel --help'");
    }

    @Test
    void emulatorBadFault_exits2NamingTheFault() {
        assertThat(run(Main.commandLine(), "emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("invalid fault 'status:700'", "400-599")
                .doesNotContain("at dev.keel");
    }

    @Test
    void stacktraceOption_isAcceptedByEveryCommand_andPrintsTheTraceAfterTheMessage() {
        assertThat(run(Main.commandLine(), "emulator", "--fault", "POST /v1/responses=status:700", "-x"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("keel: invalid fault 'status:700'", "\tat dev.keel");
        err.getBuffer().setLength(0);
        assertThat(run(Main.commandLine(), "--stacktrace", "emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("keel: invalid fault 'status:700'", "\tat dev.keel");
        err.getBuffer().setLength(0);
        assertThat(run(Main.commandLine(), "prices", "--stacktrace", "--frobnicate"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'").doesNotContain("'--stacktrace'");
    }

    @Test
    void emulatorBadRateLimit_exits2() {
        assertThat(run(Main.commandLine(), "emulator", "--rate-limit", "60")).isEqualTo(2);
        assertThat(err.toString()).contains("must be RPM:TPM");
    }

    @Test
    void emulatorBadStorageBudget_exits2() {
        assertThat(run(Main.commandLine(), "emulator", "--storage-budget", "lots"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--storage-budget 'lots' must be a positive size");
    }

    @Test
    void emulatorStorageBudgetUnderOneMegabyte_exits2() {
        assertThat(run(Main.commandLine(), "emulator", "--storage-budget", "512k"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("storageBudgetBytes must be at least 1 MB");
    }

    @Test
    void emulatorStorageBudget_sizeWithUnit_setsTheConfig() {
        var command = new EmulatorCommand();
        new CommandLine(command).parseArgs("--storage-budget", "256m");
        assertThat(command.config().storageBudgetBytes()).isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void emulator_servesUntilStopped() throws Exception {
        var command = new EmulatorCommand();
        var cl = new CommandLine(command);
        CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(() -> run(cl, "--port", "0", "--fault", "GET /v1/files=status:418"));
        await().atMost(Duration.ofSeconds(20)).until(() -> out.toString().contains("listening on"));
        var m = Pattern.compile("listening on (http://\\S+/v1)").matcher(out.toString());
        assertThat(m.find()).isTrue();
        var reply = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(m.group(1) + "/files"))
                                .header("Authorization", "Bearer sk-x")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(418);
        command.stop.countDown();
        assertThat(exit.get()).isZero();
    }
}
