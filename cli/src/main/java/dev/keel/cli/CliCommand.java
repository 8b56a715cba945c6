package dev.keel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shared base of keel's subcommands: the streams picocli was given, the environment and the
 * working directory a command reads (both replaceable, so tests run commands in-process with their
 * own), and through {@link ErrorHandler} the one way a failure is reported. Not thread-safe: one
 * instance serves one command line.
 */
abstract class CliCommand {

    @Spec
    CommandSpec spec;

    /** The environment the upstream, keys and configuration are read from; tests replace it. */
    Map<String, String> env = System.getenv();

    /** The directory {@code ./keel.yaml} is looked for in; tests replace it. */
    Path workingDir = Path.of("");

    /** Counted down on Ctrl-C (a shutdown hook), or by a test, to stop a command that serves until stopped. */
    final CountDownLatch stop = new CountDownLatch(1);

    /**
     * Blocks until Ctrl-C or {@link #stop}, for a command that serves until stopped.
     *
     * @param name the shutdown hook's thread name
     */
    void awaitStop(String name) throws InterruptedException {
        Thread hook = new Thread(stop::countDown, name);
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook has run
        }
    }

    /** The command line's standard output. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command line's standard error, where progress, warnings and errors go. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
