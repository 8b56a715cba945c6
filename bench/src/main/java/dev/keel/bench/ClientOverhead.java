package dev.keel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark {@code client}: what keel's client pipeline costs over a bare Jetty HttpClient, and how
 * the official OpenAI Java SDK compares, on non-streaming {@code POST /v1/responses} to the keel
 * emulator, and what the SDK gains on keel ({@link SdkOnKeelClient}) over its default OkHttp transport.
 *
 * <p>One emulator runs in a child process ({@link ChildEmulator}). At each concurrency level the
 * four clients ({@link RawJettyClient}, {@link KeelPipelineClient}, {@link OpenAiJavaClient}, {@link
 * SdkOnKeelClient}) take turns against it in short slices (1 s by default, the order rotating every slice) until each has
 * had the whole warmup and then the whole measured period, in a closed loop ({@link ClosedLoop}):
 * whatever else the machine does during a round falls on all of them alike. Latencies are
 * client-side, from the call until the whole answer is back; CPU per call is this process's CPU
 * time over the client's slices divided by its requests. Not thread-safe: {@link Main} runs it once.
 */
final class ClientOverhead {

    static final String SUMMARY =
            "keel's client vs raw Jetty vs openai-java on OkHttp and on keel, POST /v1/responses to the emulator";

    private static final double TARGET_RATIO = 0.9;
    /** The SDK on keel against raw Jetty (issue 17): at least this share of raw Jetty's throughput. */
    private static final double SDK_TARGET_RATIO = 0.8;
    /** The SDK on keel against keel's own API: at most this much added p99. */
    private static final double SDK_TARGET_ADDED_P99_MILLIS = 1.0;
    /** The concurrency level the SDK's throughput target is set for. */
    private static final int SDK_TARGET_CONCURRENCY = 64;

    /** Tracing on against off (issue 21): at least this share of keel's untraced throughput. */
    private static final double TRACING_TARGET_RATIO = 0.95;
    /** Tracing on against off: at most this much added p99. */
    private static final double TRACING_TARGET_ADDED_P99_MILLIS = 0.1;

    static final String SDK_OKHTTP = "sdk-okhttp";
    static final String SDK_ON_KEEL = "sdk-on-keel";
    private static final int DEFAULT_ROUNDS = 2;
    private static final double TARGET_ADDED_P99_MILLIS = 1.0;
    private static final Duration DEFAULT_SLICE = Duration.ofSeconds(1);
    /**
     * Per client and level. With the client on one core the JIT compiler is still busy after tens of
     * seconds (three clients' code); a shorter warmup measures compilation more than the clients.
     */
    private static final long DEFAULT_WARMUP_SECONDS = 30;

    private static final long DEFAULT_MEASURE_SECONDS = 20;
    private static final Duration MIN_SLICE = Duration.ofMillis(100);

    /** A client ready for the load, with the protocol its first answer came over. Immutable. */
    private record Contender(ClientUnderTest client, String protocol) {}

    /** One client's measurement at one concurrency level. Immutable, so thread-safe. */
    private record Row(String client, String protocol, ClosedLoop.Result result, List<ClosedLoop.Tally.Slice> slices) {}

    /**
     * keel against raw-jetty turn by turn: the i-th slices of the two ran in the same turn of the
     * rotation, a second or two apart, so a burst of load from elsewhere falls on both or on one
     * pair only; the medians over the pairs are what the verdict uses. Immutable.
     */
    private record Paired(List<Double> ratios, List<Double> addedP50, List<Double> addedP99, List<Double> addedCpu) {

        static Paired of(List<Row> rows) {
            return of(rows, "keel", "raw-jetty");
        }

        /** {@code client} against {@code baseline}, slice by slice, as keel against raw-jetty above. */
        static Paired of(List<Row> rows, String client, String baseline) {
            List<ClosedLoop.Tally.Slice> raw = row(rows, baseline).slices();
            List<ClosedLoop.Tally.Slice> keel = row(rows, client).slices();
            var paired = new Paired(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < Math.min(raw.size(), keel.size()); i++) {
                paired.ratios.add(keel.get(i).successesPerSecond() / raw.get(i).successesPerSecond());
                paired.addedP50.add(keel.get(i).p50Millis() - raw.get(i).p50Millis());
                paired.addedP99.add(keel.get(i).p99Millis() - raw.get(i).p99Millis());
                paired.addedCpu.add(
                        keel.get(i).cpuMicrosPerRequest() - raw.get(i).cpuMicrosPerRequest());
            }
            return paired;
        }

        Paired plus(Paired other) {
            var all = new Paired(
                    new ArrayList<>(ratios),
                    new ArrayList<>(addedP50),
                    new ArrayList<>(addedP99),
                    new ArrayList<>(addedCpu));
            all.ratios.addAll(other.ratios);
            all.addedP50.addAll(other.addedP50);
            all.addedP99.addAll(other.addedP99);
            all.addedCpu.addAll(other.addedCpu);
            return all;
        }

        int size() {
            return ratios.size();
        }
    }

    private ClientOverhead() {}

    /** Runs the benchmark with the given options; returns the exit code (see {@link Main}). */
    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            usage(System.out);
            return 0;
        }
        Settings settings;
        int rounds;
        Duration slice;
        boolean withSdk;
        boolean withTracing;
        try {
            List<String> rest = new ArrayList<>(args);
            rounds = rounds(rest);
            slice = slice(rest);
            withSdk = !rest.remove("--without-sdk");
            withTracing = rest.remove("--with-tracing");
            traceRatio = traceRatio(rest);
            settings = Settings.parse(rest, DEFAULT_WARMUP_SECONDS, DEFAULT_MEASURE_SECONDS);
        } catch (IllegalArgumentException e) {
            System.err.println("keel-bench client: " + e.getMessage());
            usage(System.err);
            return 2;
        }
        return runWith(settings, rounds, slice, withSdk, withTracing);
    }

    /** The share of calls keel-traced samples ({@code --trace-ratio}, default 1: every call). */
    private static double traceRatio = 1.0;

    /** Takes {@code --trace-ratio R} (0 < R <= 1, default 1) out of the options. */
    private static double traceRatio(List<String> args) {
        int i = args.indexOf("--trace-ratio");
        if (i < 0) {
            return 1.0;
        }
        try {
            double r = Double.parseDouble(i + 1 < args.size() ? args.get(i + 1) : "");
            if (!(r > 0 && r <= 1)) {
                throw new NumberFormatException();
            }
            args.subList(i, i + 2).clear();
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--trace-ratio needs a share of calls to sample, above 0 and at most 1");
        }
    }

    /** Takes {@code --slice-ms N} (100..60000, default 1000) out of the options. */
    private static Duration slice(List<String> args) {
        int i = args.indexOf("--slice-ms");
        if (i < 0) {
            return DEFAULT_SLICE;
        }
        try {
            long ms = Long.parseLong(i + 1 < args.size() ? args.get(i + 1) : "");
            if (ms < MIN_SLICE.toMillis() || ms > 60_000) {
                throw new NumberFormatException();
            }
            args.subList(i, i + 2).clear();
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--slice-ms needs a whole number of milliseconds from 100 to 60000");
        }
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

    private static int runWith(Settings settings, int rounds, Duration slice, boolean withSdk, boolean withTracing) {
        try (var emulator = ChildEmulator.start()) {
            printHeader(emulator, settings, slice, withSdk, withTracing);
            System.out.println("rounds: " + rounds + " (every round is printed, then the verdict over all of them)");
            return measure(emulator.baseUrl(), settings, rounds, slice, withSdk, withTracing);
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
     * Runs every level {@code rounds} times, the clients interleaved in slices, prints every round and
     * then, per level, the medians over the rounds.
     */
    private static int measure(
            URI baseUrl, Settings settings, int rounds, Duration slice, boolean withSdk, boolean withTracing)
            throws InterruptedException {
        try (var raw = RawJettyClient.open(baseUrl);
                var keel = KeelPipelineClient.open(baseUrl);
                var traced = withTracing ? KeelPipelineClient.traced(baseUrl, traceRatio) : null;
                var sdk = withSdk ? OpenAiJavaClient.open(baseUrl) : null;
                var sdkOnKeel = withSdk ? SdkOnKeelClient.open(baseUrl) : null) {
            var clients = new ArrayList<ClientUnderTest>(List.of(raw, keel));
            if (traced != null) {
                clients.add(traced);
            }
            if (sdk != null) {
                clients.add(sdk);
                clients.add(sdkOnKeel);
            }
            List<Contender> contenders = preflight(clients);
            var perLevel = new java.util.TreeMap<Integer, List<List<Row>>>();
            long errors = 0;
            for (int round = 1; round <= rounds; round++) {
                for (int concurrency : settings.concurrency()) {
                    List<Row> rows = level(contenders, concurrency, settings, slice);
                    errors += rows.stream().mapToLong(r -> r.result().errors()).sum();
                    perLevel.computeIfAbsent(concurrency, c -> new ArrayList<>())
                            .add(rows);
                    System.out.printf("%n(round %d of %d)", round, rounds);
                    printLevel(concurrency, rows);
                }
            }
            printMedians(perLevel);
            if (withSdk) {
                printSdkMedians(perLevel);
            }
            if (withTracing) {
                printTracingMedians(perLevel);
            }
            return errors == 0 ? 0 : 1;
        }
    }

    /**
     * Per level, the verdict: medians over every pair of keel and raw-jetty slices of every round (see
     * {@link Paired}), with the middle half of the throughput ratios to show the spread, and each
     * round's pooled ratio for comparison. On a shared machine single slices and even single rounds
     * swing; the median of many side-by-side pairs does not.
     */
    private static void printMedians(java.util.Map<Integer, List<List<Row>>> perLevel) {
        System.out.printf(
                "%nverdict: medians over all paired slices (keel's turn vs raw-jetty's turn of the same rotation)%n");
        System.out.printf(
                "%-12s %6s %20s %15s %14s %14s %17s%n",
                "concurrency",
                "pairs",
                "keel/raw throughput",
                "middle half",
                "added p50 ms",
                "added p99 ms",
                "added CPU us/req");
        perLevel.forEach((concurrency, rounds) -> {
            Paired all = rounds.stream().map(Paired::of).reduce(Paired::plus).orElseThrow();
            double ratio = median(all.ratios());
            double addedP99 = median(all.addedP99());
            System.out.printf(
                    "%-12d %6d %19.3fx %15s %+14.3f %+14.3f %+17.1f   throughput %s, p99 %s%n",
                    concurrency,
                    all.size(),
                    ratio,
                    String.format(
                            java.util.Locale.ROOT,
                            "%.3f-%.3f",
                            quantile(all.ratios(), 0.25),
                            quantile(all.ratios(), 0.75)),
                    median(all.addedP50()),
                    addedP99,
                    median(all.addedCpu()),
                    verdict(ratio >= TARGET_RATIO),
                    verdict(addedP99 <= TARGET_ADDED_P99_MILLIS));
            System.out.printf(
                    "%-12s %6s pooled per round: %s%n",
                    "",
                    "",
                    rounds.stream()
                            .map(rows -> String.format(
                                    java.util.Locale.ROOT,
                                    "%.3f",
                                    result(rows, "keel").successesPerSecond()
                                            / result(rows, "raw-jetty").successesPerSecond()))
                            .toList());
        });
    }

    /**
     * Per level, the SDK's verdict, from paired slices as for keel: the SDK on keel against raw-jetty
     * (throughput) and against keel's own API (added p99), and against the SDK on OkHttp; the SDK on
     * OkHttp against raw-jetty for reference.
     */
    private static void printSdkMedians(java.util.Map<Integer, List<List<Row>>> perLevel) {
        System.out.printf("%nverdict for the SDK: medians over all paired slices of the same rotation%n");
        System.out.printf(
                "%-12s %6s %20s %15s %22s %22s %20s%n",
                "concurrency",
                "pairs",
                "on-keel/raw thrpt",
                "middle half",
                "on-keel - keel p99 ms",
                "on-keel/okhttp thrpt",
                "okhttp/raw thrpt");
        perLevel.forEach((concurrency, rounds) -> {
            Paired vsRaw = rounds.stream()
                    .map(rows -> Paired.of(rows, SDK_ON_KEEL, "raw-jetty"))
                    .reduce(Paired::plus)
                    .orElseThrow();
            Paired vsKeel = rounds.stream()
                    .map(rows -> Paired.of(rows, SDK_ON_KEEL, "keel"))
                    .reduce(Paired::plus)
                    .orElseThrow();
            Paired vsOkHttp = rounds.stream()
                    .map(rows -> Paired.of(rows, SDK_ON_KEEL, SDK_OKHTTP))
                    .reduce(Paired::plus)
                    .orElseThrow();
            Paired okHttpVsRaw = rounds.stream()
                    .map(rows -> Paired.of(rows, SDK_OKHTTP, "raw-jetty"))
                    .reduce(Paired::plus)
                    .orElseThrow();
            double ratio = median(vsRaw.ratios());
            double addedP99 = median(vsKeel.addedP99());
            String throughputVerdict = concurrency == SDK_TARGET_CONCURRENCY
                    ? "throughput " + verdict(ratio >= SDK_TARGET_RATIO)
                    : "throughput (target set at " + SDK_TARGET_CONCURRENCY + ")";
            System.out.printf(
                    "%-12d %6d %19.3fx %15s %+22.3f %21.3fx %19.3fx   %s, p99 %s%n",
                    concurrency,
                    vsRaw.size(),
                    ratio,
                    String.format(
                            java.util.Locale.ROOT,
                            "%.3f-%.3f",
                            quantile(vsRaw.ratios(), 0.25),
                            quantile(vsRaw.ratios(), 0.75)),
                    addedP99,
                    median(vsOkHttp.ratios()),
                    median(okHttpVsRaw.ratios()),
                    throughputVerdict,
                    verdict(addedP99 <= SDK_TARGET_ADDED_P99_MILLIS));
        });
    }

    /**
     * Per level, tracing's verdict from paired slices: keel with tracing on (every call sampled,
     * spans to a no-op exporter) against keel with it off, throughput ratio and added p99 and CPU.
     */
    private static void printTracingMedians(java.util.Map<Integer, List<List<Row>>> perLevel) {
        System.out.printf(
                "%nverdict for tracing: medians over all paired slices (keel-traced's turn vs keel's of the same"
                        + " rotation); spans exported to the no-op: %d%n",
                KeelPipelineClient.NoopExporter.EXPORTED.sum());
        System.out.printf(
                "%-12s %6s %22s %15s %14s %14s %17s%n",
                "concurrency",
                "pairs",
                "traced/keel throughput",
                "middle half",
                "added p50 ms",
                "added p99 ms",
                "added CPU us/req");
        perLevel.forEach((concurrency, rounds) -> {
            Paired all = rounds.stream()
                    .map(rows -> Paired.of(rows, KeelPipelineClient.TRACED, "keel"))
                    .reduce(Paired::plus)
                    .orElseThrow();
            double ratio = median(all.ratios());
            double addedP99 = median(all.addedP99());
            System.out.printf(
                    "%-12d %6d %21.3fx %15s %+14.3f %+14.3f %+17.1f   throughput %s, p99 %s%n",
                    concurrency,
                    all.size(),
                    ratio,
                    String.format(
                            java.util.Locale.ROOT,
                            "%.3f-%.3f",
                            quantile(all.ratios(), 0.25),
                            quantile(all.ratios(), 0.75)),
                    median(all.addedP50()),
                    addedP99,
                    median(all.addedCpu()),
                    verdict(ratio >= TRACING_TARGET_RATIO),
                    verdict(addedP99 <= TRACING_TARGET_ADDED_P99_MILLIS));
        });
    }

    private static double median(List<Double> values) {
        return quantile(values, 0.5);
    }

    /** The {@code q} quantile, interpolating between the two nearest values; NaN when there are none. */
    private static double quantile(List<Double> values, double q) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        double at = q * (sorted.size() - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(below + 1, sorted.size() - 1);
        return sorted.get(below) + (at - below) * (sorted.get(above) - sorted.get(below));
    }

    /** Sends one request per client before any load, so a client that cannot work fails the run at once. */
    private static List<Contender> preflight(List<ClientUnderTest> clients) throws InterruptedException {
        var contenders = new ArrayList<Contender>();
        for (ClientUnderTest client : clients) {
            contenders.add(new Contender(client, client.preflight()));
        }
        return contenders;
    }

    /**
     * One level: the clients take turns in slices, first for the warmup (forgotten), then for the
     * measured period; the order rotates every slice so that no client always follows the same one.
     * Returns one row per client, in the order given.
     */
    private static List<Row> level(List<Contender> contenders, int concurrency, Settings settings, Duration slice)
            throws InterruptedException {
        System.err.printf(
                "concurrency %d: warmup %d s, then measure %d s per client, in %d ms slices%n",
                concurrency, settings.warmup().toSeconds(), settings.measure().toSeconds(), slice.toMillis());
        interleave(contenders, concurrency, settings.warmup(), slice);
        Map<Contender, ClosedLoop.Tally> tallies = interleave(contenders, concurrency, settings.measure(), slice);
        var rows = new ArrayList<Row>();
        for (Contender c : contenders) {
            ClosedLoop.Tally tally = tallies.get(c);
            rows.add(new Row(c.client().name(), c.protocol(), tally.result(), tally.slices()));
        }
        return rows;
    }

    /** Gives each client {@code total} of load in slices of at most {@code slice}, taking turns. */
    private static Map<Contender, ClosedLoop.Tally> interleave(
            List<Contender> contenders, int concurrency, Duration total, Duration slice) throws InterruptedException {
        var tallies = new LinkedHashMap<Contender, ClosedLoop.Tally>();
        contenders.forEach(c -> tallies.put(c, new ClosedLoop.Tally(concurrency)));
        List<Contender> order = new ArrayList<>(contenders);
        for (Duration left = total; left.isPositive(); left = left.minus(slice)) {
            Duration turn = left.compareTo(slice) < 0 ? left : slice;
            for (Contender c : order) {
                tallies.get(c).add(turn, c.client());
            }
            Collections.rotate(order, -1);
        }
        return tallies;
    }

    private static void printHeader(
            ChildEmulator emulator, Settings settings, Duration slice, boolean withSdk, boolean withTracing) {
        System.out.printf(
                "keel-bench client: POST %s/responses (non-streaming), emulator pid %d, load from pid %d%n",
                emulator.baseUrl(), emulator.pid(), ProcessHandle.current().pid());
        System.out.printf(
                "java %s, %d cpus, warmup %d s + measure %d s per client and level, clients taking turns in %d ms"
                        + " slices%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                settings.warmup().toSeconds(),
                settings.measure().toSeconds(),
                slice.toMillis());
        printClients(withSdk, withTracing);
        System.out.printf(
                "targets: keel >= %.1fx raw-jetty throughput and <= %.0f ms added p99; sdk-on-keel >= %.1fx raw-jetty"
                        + " throughput at concurrency %d and <= %.0f ms added p99 over keel%n",
                TARGET_RATIO,
                TARGET_ADDED_P99_MILLIS,
                SDK_TARGET_RATIO,
                SDK_TARGET_CONCURRENCY,
                SDK_TARGET_ADDED_P99_MILLIS);
        if (withTracing) {
            System.out.printf(
                    "         keel-traced >= %.2fx keel's throughput and <= %.1f ms added p99%n",
                    TRACING_TARGET_RATIO, TRACING_TARGET_ADDED_P99_MILLIS);
        }
    }

    private static void printClients(boolean withSdk, boolean withTracing) {
        System.out.println("  raw-jetty    Jetty 12 HttpClient, h2c prior knowledge then HTTP/1.1, 256 connections");
        System.out.println("  keel         KeelClient.responses().create, full pipeline, in-flight limit 1024, "
                + "default pool (HTTP/2, 256 connections)");
        if (withTracing) {
            System.out.println("  keel-traced  the same with KeelTracing on an OpenTelemetry SDK ("
                    + (traceRatio == 1.0
                            ? "every call sampled"
                            : "parent-based, " + traceRatio + " of the calls sampled")
                    + ", W3C traceparent, the commands' BatchSpanProcessor: batches of " + dev.keel.cli.SpanExport.BATCH
                    + " spans) exporting to a no-op");
        }
        if (!withSdk) {
            return;
        }
        System.out.printf(
                "  sdk-okhttp   openai-java %s over its default OkHttp transport: HTTP/1.1, maxRetries 0, pool %d idle"
                        + " connections kept %d min; create() also maps the answer into a typed Response%n",
                com.openai.client.OpenAIClient.class.getPackage().getImplementationVersion(),
                OpenAiJavaClient.MAX_IDLE_CONNECTIONS,
                OpenAiJavaClient.KEEP_ALIVE.toMinutes());
        System.out.println("  sdk-on-keel  the same SDK calls on KeelOpenAI.client(keel): keel's pipeline as the SDK's"
                + " transport, keel set up as above");
    }

    private static void printLevel(int concurrency, List<Row> rows) {
        System.out.printf("%nconcurrency %d%n", concurrency);
        printTable(rows);
        printComparison(result(rows, "raw-jetty"), result(rows, "keel"), find(rows, SDK_OKHTTP));
        Paired paired = Paired.of(rows);
        System.out.printf(
                "paired slices (%d): keel/raw-jetty throughput median %.3fx, added p99 median %+.3f ms%n",
                paired.size(), median(paired.ratios()), median(paired.addedP99()));
        if (find(rows, SDK_ON_KEEL) != null) {
            Paired vsRaw = Paired.of(rows, SDK_ON_KEEL, "raw-jetty");
            Paired vsKeel = Paired.of(rows, SDK_ON_KEEL, "keel");
            Paired vsOkHttp = Paired.of(rows, SDK_ON_KEEL, SDK_OKHTTP);
            System.out.printf(
                    "paired slices (%d): sdk-on-keel/raw-jetty throughput median %.3fx, sdk-on-keel/sdk-okhttp %.3fx,"
                            + " sdk-on-keel - keel p99 median %+.3f ms%n",
                    vsRaw.size(), median(vsRaw.ratios()), median(vsOkHttp.ratios()), median(vsKeel.addedP99()));
        }
        printFirstErrors(rows);
    }

    /**
     * One row per client; requests and req/s count 2xx answers only, failures are under errors; CPU is
     * this process's CPU time per request while the client ran (its share of the client core).
     */
    private static void printTable(List<Row> rows) {
        System.out.printf(
                "%-12s %-9s %10s %10s %8s %8s %12s %7s%n",
                "client", "protocol", "requests", "req/s", "p50 ms", "p99 ms", "CPU us/req", "errors");
        for (Row row : rows) {
            ClosedLoop.Result r = row.result();
            System.out.printf(
                    "%-12s %-9s %10d %10.1f %8.3f %8.3f %12.1f %7d%n",
                    row.client(),
                    row.protocol(),
                    r.successes(),
                    r.successesPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.cpuMicrosPerRequest(),
                    r.errors());
        }
    }

    private static ClosedLoop.Result result(List<Row> rows, String client) {
        return row(rows, client).result();
    }

    /** The client's result, or null when it did not run ({@code --without-sdk}). */
    private static ClosedLoop.Result find(List<Row> rows, String client) {
        return rows.stream()
                .filter(row -> row.client().equals(client))
                .findFirst()
                .map(Row::result)
                .orElse(null);
    }

    private static Row row(List<Row> rows, String client) {
        return rows.stream()
                .filter(r -> r.client().equals(client))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no row for " + client));
    }

    private static void printComparison(ClosedLoop.Result raw, ClosedLoop.Result keel, ClosedLoop.Result sdk) {
        double ratio = keel.successesPerSecond() / raw.successesPerSecond();
        double addedP99 = keel.p99Millis() - raw.p99Millis();
        System.out.printf(
                "keel/raw-jetty throughput: %.3fx (target >= %.1fx: %s)%n",
                ratio, TARGET_RATIO, verdict(ratio >= TARGET_RATIO));
        System.out.printf(
                "keel - raw-jetty: p50 %+.3f ms, p99 %+.3f ms (target <= %.0f ms added p99: %s), CPU %+.1f us/req%n",
                keel.p50Millis() - raw.p50Millis(),
                addedP99,
                TARGET_ADDED_P99_MILLIS,
                verdict(addedP99 <= TARGET_ADDED_P99_MILLIS),
                keel.cpuMicrosPerRequest() - raw.cpuMicrosPerRequest());
        if (sdk != null) {
            System.out.printf(
                    "sdk-okhttp/raw-jetty throughput: %.3fx%n", sdk.successesPerSecond() / raw.successesPerSecond());
        }
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
        out.println(
                "Usage: keel bench client [--seconds N] [--warmup N] [--concurrency N,...] [--rounds N] [--slice-ms N]"
                        + " [--without-sdk] [--with-tracing [--trace-ratio R]]");
        out.println("  " + SUMMARY + ".");
        out.println(
                "  At each level raw-jetty, keel, sdk-okhttp (openai-java on OkHttp) and sdk-on-keel (openai-java on");
        out.println("  KeelOpenAI) take turns against one emulator in short slices, the order rotating every slice,");
        out.println("  so whatever else the machine does falls on all of them alike;");
        out.println("  the verdict is the median over pairs of keel's and raw-jetty's slices of the same turn.");
        out.println("  Steadiest with client and emulator on separate cores:");
        out.println("    KEEL_BENCH_SERVER_CPUS=1 taskset -c 0 bin/keel bench client");
        out.println("  KEEL_BENCH_SERVER_JAVA_OPTS passes JVM options to the emulator (e.g. -Xlog:gc:file=gc.log).");
        Settings.describe(out, DEFAULT_WARMUP_SECONDS, DEFAULT_MEASURE_SECONDS);
        out.println(
                "  --rounds N           repeat all levels N times, 1..10; prints each round, then the verdict over all"
                        + " (default " + DEFAULT_ROUNDS + ")");
        out.println("  --slice-ms N         length of one client's turn, 100..60000 ms (default 1000)");
        out.println(
                "  --without-sdk        leave both SDK clients out: raw-jetty and keel only (their code and garbage then do"
                        + " not");
        out.println("                       share the JIT compiler and the heap with the two being compared)");
        out.println(
                "  --with-tracing       add keel-traced (keel with KeelTracing on an OpenTelemetry SDK exporting to a no-op)");
        out.println(
                "                       to the rotation; verdict: keel-traced >= 0.95x keel's throughput, <= 0.1 ms added p99");
        out.println(
                "  --trace-ratio R      the share of calls keel-traced samples, above 0 and at most 1 (default 1: every call)");
    }
}
