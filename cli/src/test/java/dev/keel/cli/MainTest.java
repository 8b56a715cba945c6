package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real command line, run in-process: exit codes and what it prints. */
class MainTest {

    private final CliHarness cli = new CliHarness();

    @Test
    void version_printsKeelAndJava() {
        assertThat(cli.run("--version")).isZero();
        assertThat(cli.out()).startsWith("keel ").contains("Java ");
    }

    @Test
    void help_listsCommandsAndExitCodes() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out()).contains("emulator", "Exit codes:", "2  bad usage or input");
    }

    @Test
    void unknownOption_exits2WithAHint() {
        assertThat(cli.run("--frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("Unknown option: '--frobnicate'", "Run 'keel --help'");
    }

    @Test
    void emulatorBadFault_exits2NamingTheFault() {
        assertThat(cli.run("emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(2);
        assertThat(cli.err()).contains("invalid fault 'status:700'", "400-599").doesNotContain("at dev.keel");
    }

    @Test
    void stacktraceOption_isAcceptedByEveryCommand_andPrintsTheTraceAfterTheMessage() {
        assertThat(cli.run("emulator", "--fault", "POST /v1/responses=status:700", "-x"))
                .isEqualTo(2);
        assertThat(cli.err()).contains("keel: invalid fault 'status:700'", "\tat dev.keel");
        assertThat(cli.run("--stacktrace", "emulator", "--fault", "POST /v1/responses=status:700"))
                .isEqualTo(2);
        assertThat(cli.err()).contains("keel: invalid fault 'status:700'", "\tat dev.keel");
        assertThat(cli.run("prices", "--stacktrace", "--frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("Unknown option: '--frobnicate'").doesNotContain("'--stacktrace'");
    }

    @Test
    void emulatorBadRateLimit_exits2() {
        assertThat(cli.run("emulator", "--rate-limit", "60")).isEqualTo(2);
        assertThat(cli.err()).contains("must be RPM:TPM");
    }

    @Test
    void emulatorBadStorageBudget_exits2() {
        assertThat(cli.run("emulator", "--storage-budget", "lots")).isEqualTo(2);
        assertThat(cli.err()).contains("--storage-budget 'lots' must be a positive size");
    }

    @Test
    void emulatorStorageBudgetUnderOneMegabyte_exits2() {
        assertThat(cli.run("emulator", "--storage-budget", "512k")).isEqualTo(2);
        assertThat(cli.err()).contains("storageBudgetBytes must be at least 1 MB");
    }

    @Test
    void emulatorStorageBudget_sizeWithUnit_setsTheConfig() {
        var command = new EmulatorCommand();
        cli.parse(command, "--storage-budget", "256m");
        assertThat(command.config().storageBudgetBytes()).isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void emulator_servesUntilStopped() throws Exception {
        var command = new EmulatorCommand();
        CompletableFuture<Integer> exit = cli.start(command, "--port", "0", "--fault", "GET /v1/files=status:418");
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on"));
        var m = Pattern.compile("listening on (http://\\S+/v1)").matcher(cli.out());
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
