package dev.keel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Benchmark {@code client}: what keel's client pipeline costs over a bare Jetty HttpClient, and how
 * the official OpenAI Java SDK compares, on non-streaming {@code POST /v1/responses} to the keel
 * emulator.
 *
 * <p>One emulator runs in a child process ({@link ChildEmulator}). At each concurrency level the
 * three clients ({@link RawJettyClient}, {@link KeelPipelineClient}, {@link OpenAiJavaClient}) run
 * one after the other against it, each with the same warmup and measured period, in a closed loop
 * ({@link ClosedLoop}); latencies are client-side, from the call until the whole answer is back.
 * Not thread-safe: {@link Main} runs it once.
 */
final class ClientOverhead {

    static final String SUMMARY = "keel's client vs raw Jetty vs openai-java, POST /v1/responses to the emulator";

    private static final double TARGET_RATIO = 0.9;
    private static final int DEFAULT_ROUNDS = 2;
    private static final double TARGET_ADDED_P99_MILLIS = 1.0;

    /** A client ready for the load, with the protocol its first answer came over. Immutable. */
    private record Contender(ClientUnderTest client, String protocol) {}

    /** One client's measurement at one concurrency level. Immutable, so thread-safe. */
    private record Row(String client, String protocol, ClosedLoop.Result result) {}

    private ClientOverhead() {}

    /** Runs the benchmark with the given options; returns the exit code (see {@link Main}). */
    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            usage(System.out);
            return 0;
        }
        Settings settings;
        int rounds;
        try {
            List<String> rest = new ArrayList<>(args);
            rounds = rounds(rest);
            settings = Settings.parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("keel-bench client: " + e.getMessage());
            usage(System.err);
            return 2;
        }
        return runWith(settings, rounds);
    }

    /** Takes {@code --rounds N} (1..10, default 2) out of the options. */
    private static int rounds(List<String> args) {
        int i = args.indexOf("--rounds");
        if (i < 0) {
            return DEFAULT_ROUNDS;
        }
        try {
            int n = Integer.parseInt(i + 1 < args.size() ? args.get(i + 1) : "");
            if (n < 1 || n > 10) {
                throw new NumberFormatException();
            }
            args.subList(i, Math.min(i + 2, args.size())).clear();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rounds needs a whole number from 1 to 10");
        }
    }

    private static int runWith(Settings settings, int rounds) {
        try (var emulator = ChildEmulator.start()) {
            printHeader(emulator, settings);
            System.out.println("rounds: " + rounds
                    + " (client order rotates each round; every round is printed, then the medians)");
            return measure(emulator.baseUrl(), settings, rounds);
        } catch (IOException | RuntimeException e) {
            System.err.println("keel-bench client: could not run: " + e.getMessage());
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("keel-bench client: interrupted");
            return 130;
        }
    }

    /**
     * Runs every client at every level {@code rounds} times, rotating the order each round so that no
     * client always meets a colder server, prints every round and then, per level, the medians over
     * the rounds.
     */
    private static int measure(URI baseUrl, Settings settings, int rounds) throws InterruptedException {
        try (var raw = RawJettyClient.open(baseUrl);
                var keel = KeelPipelineClient.open(baseUrl);
                var sdk = OpenAiJavaClient.open(baseUrl)) {
            List<Contender> contenders = preflight(List.of(raw, keel, sdk));
            var perLevel = new java.util.TreeMap<Integer, List<List<Row>>>();
            long errors = 0;
            for (int round = 1; round <= rounds; round++) {
                List<Contender> order = new ArrayList<>(contenders);
                Collections.rotate(order, -(round - 1));
                for (int concurrency : settings.concurrency()) {
                    List<Row> rows = level(order, concurrency, settings);
                    rows.sort(Comparator.comparingInt(r -> names(contenders).indexOf(r.client())));
                    errors += rows.stream().mapToLong(r -> r.result().errors()).sum();
                    perLevel.computeIfAbsent(concurrency, c -> new ArrayList<>())
                            .add(rows);
                    if (round == rounds) {
                        printLevel(concurrency, rows);
                    } else {
                        System.out.printf("%n(round %d of %d, order %s)", round, rounds, names(order));
                        printLevel(concurrency, rows);
                    }
                }
            }
            if (rounds > 1) {
                printMedians(perLevel);
            }
            return errors == 0 ? 0 : 1;
        }
    }

    /**
     * Per level, the median over the rounds of keel/raw-jetty throughput and of keel's added p50 and
     * p99: on a shared machine single rounds swing, the median of side-by-side rounds does not.
     */
    private static void printMedians(java.util.Map<Integer, List<List<Row>>> perLevel) {
        System.out.printf("%nmedian over rounds (each round: the clients side by side)%n");
        System.out.printf(
                "%-12s %8s %22s %16s %16s%n",
                "concurrency", "rounds", "keel/raw throughput", "added p50 ms", "added p99 ms");
        perLevel.forEach((concurrency, rounds) -> {
            List<Double> ratios = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (List<Row> rows : rounds) {
                ClosedLoop.Result raw = result(rows, "raw-jetty");
                ClosedLoop.Result keel = result(rows, "keel");
                ratios.add(keel.successesPerSecond() / raw.successesPerSecond());
                p50.add(keel.p50Millis() - raw.p50Millis());
                p99.add(keel.p99Millis() - raw.p99Millis());
            }
            double ratio = median(ratios);
            double addedP99 = median(p99);
            System.out.printf(
                    "%-12d %8d %21.3fx %+16.3f %+16.3f   throughput %s, p99 %s%n",
                    concurrency,
                    rounds.size(),
                    ratio,
                    median(p50),
                    addedP99,
                    verdict(ratio >= TARGET_RATIO),
                    verdict(addedP99 <= TARGET_ADDED_P99_MILLIS));
            System.out.printf(
                    "%-12s %8s %22s%n",
                    "",
                    "",
                    "per round: "
                            + ratios.stream()
                                    .map(r -> String.format(java.util.Locale.ROOT, "%.3f", r))
                                    .toList());
        });
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<String> names(List<Contender> contenders) {
        return contenders.stream().map(c -> c.client().name()).toList();
    }

    /** Sends one request per client before any load, so a client that cannot work fails the run at once. */
    private static List<Contender> preflight(List<ClientUnderTest> clients) throws InterruptedException {
        var contenders = new ArrayList<Contender>();
        for (ClientUnderTest client : clients) {
            contenders.add(new Contender(client, client.preflight()));
        }
        return contenders;
    }

    private static List<Row> level(List<Contender> contenders, int concurrency, Settings settings)
            throws InterruptedException {
        var rows = new ArrayList<Row>();
        for (Contender c : contenders) {
            System.err.printf(
                    "concurrency %d, %s: warmup %d s, measure %d s%n",
                    concurrency,
                    c.client().name(),
                    settings.warmup().toSeconds(),
                    settings.measure().toSeconds());
            ClosedLoop.Result result = ClosedLoop.warmThenMeasure(concurrency, settings, c.client());
            rows.add(new Row(c.client().name(), c.protocol(), result));
        }
        return rows;
    }

    private static void printHeader(ChildEmulator emulator, Settings settings) {
        System.out.printf(
                "keel-bench client: POST %s/responses (non-streaming), emulator pid %d, load from pid %d%n",
                emulator.baseUrl(), emulator.pid(), ProcessHandle.current().pid());
        System.out.printf(
                "java %s, %d cpus, warmup %d s + measure %d s per client and level, clients one after the other%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                settings.warmup().toSeconds(),
                settings.measure().toSeconds());
        printClients();
        System.out.printf(
                "targets: keel >= %.1fx raw-jetty throughput and <= %.0f ms added p99%n",
                TARGET_RATIO, TARGET_ADDED_P99_MILLIS);
    }

    private static void printClients() {
        System.out.println("  raw-jetty    Jetty 12 HttpClient, h2c prior knowledge then HTTP/1.1, 256 connections");
        System.out.println("  keel         KeelClient.responses().create, full pipeline, in-flight limit 1024, "
                + "default pool (HTTP/2, 256 connections)");
        System.out.printf(
                "  openai-java  SDK %s over OkHttp: HTTP/1.1, maxRetries 0, pool %d idle connections kept %d min;"
                        + " create() also maps the answer into a typed Response%n",
                com.openai.client.OpenAIClient.class.getPackage().getImplementationVersion(),
                OpenAiJavaClient.MAX_IDLE_CONNECTIONS,
                OpenAiJavaClient.KEEP_ALIVE.toMinutes());
    }

    private static void printLevel(int concurrency, List<Row> rows) {
        System.out.printf("%nconcurrency %d%n", concurrency);
        printTable(rows);
        printComparison(result(rows, "raw-jetty"), result(rows, "keel"), result(rows, "openai-java"));
        printFirstErrors(rows);
    }

    /** One row per client; requests and req/s count 2xx answers only, failures are under errors. */
    private static void printTable(List<Row> rows) {
        System.out.printf(
                "%-12s %-9s %10s %10s %8s %8s %7s%n",
                "client", "protocol", "requests", "req/s", "p50 ms", "p99 ms", "errors");
        for (Row row : rows) {
            ClosedLoop.Result r = row.result();
            System.out.printf(
                    "%-12s %-9s %10d %10.1f %8.3f %8.3f %7d%n",
                    row.client(),
                    row.protocol(),
                    r.successes(),
                    r.successesPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.errors());
        }
    }

    private static ClosedLoop.Result result(List<Row> rows, String client) {
        return rows.stream()
                .filter(row -> row.client().equals(client))
                .findFirst()
                .orElseThrow()
                .result();
    }

    private static void printComparison(ClosedLoop.Result raw, ClosedLoop.Result keel, ClosedLoop.Result sdk) {
        double ratio = keel.successesPerSecond() / raw.successesPerSecond();
        double addedP99 = keel.p99Millis() - raw.p99Millis();
        System.out.printf(
                "keel/raw-jetty throughput: %.3fx (target >= %.1fx: %s)%n",
                ratio, TARGET_RATIO, verdict(ratio >= TARGET_RATIO));
        System.out.printf(
                "keel - raw-jetty: p50 %+.3f ms, p99 %+.3f ms (target <= %.0f ms added p99: %s)%n",
                keel.p50Millis() - raw.p50Millis(),
                addedP99,
                TARGET_ADDED_P99_MILLIS,
                verdict(addedP99 <= TARGET_ADDED_P99_MILLIS));
        System.out.printf(
                "openai-java/raw-jetty throughput: %.3fx%n", sdk.successesPerSecond() / raw.successesPerSecond());
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static void printFirstErrors(List<Row> rows) {
        for (Row row : rows) {
            if (row.result().errors() > 0) {
                System.out.printf(
                        "%s: %d failed requests, the first: %s%n",
                        row.client(), row.result().errors(), row.result().firstError());
            }
        }
    }

    private static void usage(PrintStream out) {
        out.println("Usage: keel bench client [--seconds N] [--warmup N] [--concurrency N,...] [--rounds N]");
        out.println("  " + SUMMARY + ".");
        out.println("  At each level raw-jetty, keel and openai-java run one after the other against one emulator.");
        Settings.describe(out);
        out.println(
                "  --rounds N           repeat all clients and levels N times, order rotating; prints each round and the"
                        + " medians (default 2)");
    }
}
