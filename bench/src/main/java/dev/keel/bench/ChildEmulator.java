package dev.keel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keel emulator running as a child process ({@code dev.keel.cli.Main emulator --port 0}) on
 * 127.0.0.1, started with this JVM's java binary and class path; closing it destroys the process.
 *
 * <p>Thread-safe: its output is drained by two daemon threads, and {@link #close()} may be called
 * from any thread, more than once. A shutdown hook kills the child if this JVM exits without closing
 * it (e.g. on Ctrl-C).
 */
final class ChildEmulator implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/v1)");
    private static final int STDERR_LINES = 100;

    private final Process process;
    private final URI baseUrl;
    private final Thread killer;

    private ChildEmulator(Process process, URI baseUrl, Thread killer) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.killer = killer;
    }

    /** Starts the child and returns once it listens; fails with its stderr if it does not within 30 s. */
    static ChildEmulator start() throws IOException {
        Process process = new ProcessBuilder(command()).start();
        Thread killer = new Thread(process::destroyForcibly, "keel-bench-child-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        var stderr = new Tail(STDERR_LINES);
        Thread stderrPump = pump(process.getErrorStream(), stderr::add, "keel-bench-child-stderr");
        try {
            return new ChildEmulator(process, awaitUrl(listeningUrl(process)), killer);
        } catch (RuntimeException e) {
            stop(process, killer);
            join(stderrPump);
            throw new IllegalStateException(e.getMessage() + "; its stderr:\n" + stderr, e);
        }
    }

    /** The emulator's base URL, {@code http://127.0.0.1:PORT/v1}. */
    URI baseUrl() {
        return baseUrl;
    }

    /** The child's process id, for the report. */
    long pid() {
        return process.pid();
    }

    /** The child's CPU time so far (all its threads), in nanoseconds; -1 when the OS does not say. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** Asks the child to stop (SIGTERM), kills it after 5 s if it has not, and waits for it to go. */
    @Override
    public void close() {
        stop(process, killer);
    }

    private static void stop(Process process, Thread killer) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook runs anyway and kills an already stopped process: harmless.
        }
    }

    private static List<String> command() {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        var command = new java.util.ArrayList<String>();
        String cpus = System.getenv("KEEL_BENCH_SERVER_CPUS");
        if (cpus != null && !cpus.isBlank()) {
            // e.g. KEEL_BENCH_SERVER_CPUS=1 with the benchmark itself under `taskset -c 0`: client and
            // server no longer compete for the same cores, so a client's own CPU cost does not show up
            // as a slower server.
            command.addAll(List.of("taskset", "-c", cpus.strip()));
        }
        command.add(java);
        String opts = System.getenv("KEEL_BENCH_SERVER_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            command.addAll(List.of(opts.strip().split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath, "dev.keel.cli.Main", "emulator", "--port", "0"));
        return command;
    }

    /** Completes with the URL the child prints on stdout, or fails if the child exits first. */
    private static CompletableFuture<URI> listeningUrl(Process process) {
        var url = new CompletableFuture<URI>();
        pump(process.getInputStream(), line -> completeOnListening(line, url), "keel-bench-child-stdout");
        process.onExit()
                .thenRun(() -> url.completeExceptionally(new IllegalStateException(
                        "the child emulator exited with code " + process.exitValue() + " before it listened")));
        return url;
    }

    private static void completeOnListening(String line, CompletableFuture<URI> url) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
            url.complete(URI.create(m.group(1)));
        }
    }

    private static URI awaitUrl(CompletableFuture<URI> url) {
        try {
            return url.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the child emulator did not listen within " + START_TIMEOUT.toSeconds()
                    + " s (command: " + String.join(" ", command()) + ")");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child emulator", e);
        }
    }

    /** Reads {@code in} line by line on a daemon thread until end of stream, handing each line on. */
    private static Thread pump(InputStream in, Consumer<String> lines, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines);
            } catch (IOException | UncheckedIOException e) {
                // The child went away; its output ends here.
            }
        });
    }

    private static void join(Thread thread) {
        try {
            thread.join(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of a stream. Thread-safe: one thread adds, another prints. */
    private static final class Tail {
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private final int max;

        Tail(int max) {
            this.max = max;
        }

        synchronized void add(String line) {
            if (lines.size() == max) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        @Override
        public synchronized String toString() {
            return lines.isEmpty() ? "(empty)" : String.join("\n", lines);
        }
    }
}
