package dev.keel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Benchmark {@code emulator}: how many non-streaming {@code POST /v1/responses} requests per second
 * the keel emulator answers at concurrency 1 and 64.
 *
 * <p>The emulator runs in a child process ({@link ChildEmulator}); this process generates the load
 * with a Jetty HTTP/1.1 client whose pool has one connection per worker, so the two never share a
 * heap or a JIT. Each level warms up, then measures; latencies are client-side, from send to the
 * whole answer. Not thread-safe: {@link Main} runs it once.
 */
final class EmulatorThroughput {

    static final String SUMMARY = "emulator requests/s, non-streaming POST /v1/responses, concurrency 1 and 64";

    private static final String BODY = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private EmulatorThroughput() {}

    /** Runs the benchmark with the given options; returns the exit code (see {@link Main}). */
    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            usage(System.out);
            return 0;
        }
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("keel-bench emulator: " + e.getMessage());
            usage(System.err);
            return 2;
        }
        return runWith(settings);
    }

    private static int runWith(Settings settings) {
        try (var emulator = ChildEmulator.start()) {
            return measure(emulator, settings);
        } catch (IOException | RuntimeException e) {
            System.err.println("keel-bench emulator: could not run: " + e.getMessage());
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("keel-bench emulator: interrupted");
            return 130;
        }
    }

    private static int measure(ChildEmulator emulator, Settings settings) throws InterruptedException {
        URI uri = URI.create(emulator.baseUrl() + "/responses");
        printHeader(uri, emulator, settings);
        var results = new ArrayList<ClosedLoop.Result>();
        for (int concurrency : settings.concurrency()) {
            results.add(level(uri, concurrency, settings));
        }
        printTable(results);
        return checkErrors(results);
    }

    private static void printHeader(URI uri, ChildEmulator emulator, Settings settings) {
        System.out.printf(
                "keel-bench emulator: POST %s (non-streaming, HTTP/1.1), emulator pid %d, load from pid %d%n",
                uri, emulator.pid(), ProcessHandle.current().pid());
        System.out.printf(
                "java %s, %d cpus, warmup %d s + measure %d s per level%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                settings.warmup().toSeconds(),
                settings.measure().toSeconds());
    }

    /** Warms up then measures one concurrency level with its own client, pool sized to the level. */
    private static ClosedLoop.Result level(URI uri, int concurrency, Settings settings) throws InterruptedException {
        HttpClient client = startClient(concurrency);
        try {
            ClosedLoop.Exchange exchange = () -> post(client, uri).getStatus();
            checkAnswers(client, uri);
            System.err.printf(
                    "concurrency %d: warmup %d s, measure %d s%n",
                    concurrency,
                    settings.warmup().toSeconds(),
                    settings.measure().toSeconds());
            return ClosedLoop.warmThenMeasure(concurrency, settings, exchange);
        } finally {
            stop(client);
        }
    }

    private static HttpClient startClient(int concurrency) {
        var client = new HttpClient();
        client.setMaxConnectionsPerDestination(concurrency);
        client.setFollowRedirects(false);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP client: " + e, e);
        }
        return client;
    }

    private static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            System.err.println("keel-bench emulator: stopping the HTTP client failed: " + e);
        }
    }

    private static ContentResponse post(HttpClient client, URI uri) throws Exception {
        return client.POST(uri)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer x"))
                .body(new StringRequestContent("application/json", BODY))
                .timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .send();
    }

    /** Sends one request before the load so a wrong route or body fails loudly, with the answer shown. */
    private static void checkAnswers(HttpClient client, URI uri) throws InterruptedException {
        try {
            ContentResponse response = post(client, uri);
            if (response.getStatus() != 200) {
                throw new IllegalStateException(
                        "the emulator answered HTTP " + response.getStatus() + ": " + response.getContentAsString());
            }
        } catch (InterruptedException | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the first request failed: " + e, e);
        }
    }

    /** Prints one row per level and the throughput ratio of the last level to the first. */
    private static void printTable(List<ClosedLoop.Result> results) {
        System.out.printf(
                "%11s %10s %10s %8s %8s %7s%n", "concurrency", "requests", "req/s", "p50 ms", "p99 ms", "errors");
        for (ClosedLoop.Result r : results) {
            System.out.printf(
                    "%11d %10d %10.1f %8.3f %8.3f %7d%n",
                    r.concurrency(), r.requests(), r.perSecond(), r.p50Millis(), r.p99Millis(), r.errors());
        }
        ClosedLoop.Result first = results.getFirst();
        ClosedLoop.Result last = results.getLast();
        System.out.printf(
                "ratio req/s(%d)/req/s(%d): %.2f%n",
                last.concurrency(), first.concurrency(), last.perSecond() / first.perSecond());
    }

    /** Reports each level's first error on stderr; returns 1 if any request failed, else 0. */
    private static int checkErrors(List<ClosedLoop.Result> results) {
        long errors = 0;
        for (ClosedLoop.Result r : results) {
            if (r.errors() > 0) {
                System.err.printf(
                        "concurrency %d: %d failed requests, the first: %s%n",
                        r.concurrency(), r.errors(), r.firstError());
            }
            errors += r.errors();
        }
        return errors == 0 ? 0 : 1;
    }

    private static void usage(PrintStream out) {
        out.println("Usage: keel bench emulator [--seconds N] [--warmup N] [--concurrency N,...]");
        out.println("  " + SUMMARY + "; one run per concurrency level.");
        Settings.describe(out);
    }
}
