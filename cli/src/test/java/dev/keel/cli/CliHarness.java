package dev.keel.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * The one way cli tests run a command: the real picocli {@link CommandLine}, configured as {@code keel}
 * runs it ({@link Main#commandLine(Object)}: error handler, converters), in-process, with its output
 * and errors captured, an environment and a working directory of the test's own, and the exit code
 * returned. Each run starts with empty captures; {@link #out()} and {@link #err()} read what the last
 * run printed so far (also while a {@link #start started} command still runs). Not thread-safe.
 */
final class CliHarness {

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();
    private Map<String, String> env;
    private Path workingDir;

    /** Every command of the next runs reads {@code env} instead of the process's environment. */
    CliHarness env(Map<String, String> env) {
        this.env = Map.copyOf(env);
        return this;
    }

    /** Every command of the next runs looks for {@code ./keel.yaml} in {@code dir}. */
    CliHarness workingDir(Path dir) {
        this.workingDir = dir;
        return this;
    }

    /** Runs {@code keel ARGS...} and returns its exit code. */
    int run(String... args) {
        return run(new Main(), args);
    }

    /** Runs {@code keel ARGS...} and returns its exit code. */
    int run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    /** Runs one (sub)command on its own command line and returns its exit code. */
    int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /**
     * Starts {@code command} on a thread of its own (a server that runs until stopped); the future is
     * its exit code. Its own daemon thread, not the common pool: on a 2-core machine that pool has
     * one worker, so a server a failed test left running would keep every later one from starting.
     */
    CompletableFuture<Integer> start(Object command, String... args) {
        var cl = commandLine(command);
        var exit = new CompletableFuture<Integer>();
        Thread t = new Thread(
                () -> {
                    try {
                        exit.complete(cl.execute(args));
                    } catch (Throwable e) {
                        exit.completeExceptionally(e);
                    }
                },
                "cli-" + cl.getCommandName());
        t.setDaemon(true);
        t.start();
        return exit;
    }

    /** Parses {@code args} into {@code command} without running it (picocli fills its fields); returns the command. */
    <T> T parse(T command, String... args) {
        commandLine(command).parseArgs(args);
        return command;
    }

    /** The standard output of the last run. */
    String out() {
        return out.toString();
    }

    /** The standard error of the last run. */
    String err() {
        return err.toString();
    }

    /** {@code command} on a fresh, configured command line whose streams this harness captures. */
    CommandLine commandLine(Object command) {
        out = new StringWriter();
        err = new StringWriter();
        var cl = Main.commandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        apply(cl);
        return cl;
    }

    private void apply(CommandLine cl) {
        if (cl.getCommand() instanceof CliCommand c) {
            if (env != null) {
                c.env = env;
            }
            if (workingDir != null) {
                c.workingDir = workingDir;
            }
        }
        cl.getSubcommands().values().forEach(this::apply);
    }
}
