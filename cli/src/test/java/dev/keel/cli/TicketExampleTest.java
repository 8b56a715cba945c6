package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/structured-tickets/TicketExample.java compiles against keel and runs in the sandbox. */
class TicketExampleTest {

    @TempDir
    Path classes;

    @Test
    void ticketExample_compilesAndRuns_printingTheDiffAndTheModesPerArm() throws Exception {
        Path example = SchemaCommandTest.example();
        var javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                example.resolve("TicketExample.java").toString());
        assertThat(rc).as("javac exit code").isZero();
        var captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (var loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("TicketExample").getMethod("main", String[].class).invoke(null, (Object)
                    new String[] {"--dir", example.toString(), "--calls", "60", "--sandbox"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("REQUIRED_ADDED(priority) at /properties/priority")
                .contains("calls by arm, version and decode mode:")
                .containsPattern("canary v2 strict: \\d+")
                .containsPattern("baseline v1 strict: \\d+")
                .contains("structured_output: {\"schema\":\"ticket\",\"schema_version\":\"v2\"");
    }
}
