package dev.keel.bench;

import dev.keel.cli.RealtimeTokenRoute;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark {@code realtime-token}: requests per second of the sidecar's {@code POST
 * /v1/realtime/token} (app-token auth, per-user Bucket4j limit, validation, upstream client_secrets
 * through keel's pipeline over HTTP/2 to the emulator) at concurrency 1 and 16, closed loop, each
 * worker its own app token; everything in this process on loopback, the per-token INFO log line
 * turned off. Not thread-safe: {@link Main}
 * runs it once.
 */
final class RealtimeTokenBench {

    static final String SUMMARY = "POST /v1/realtime/token requests/s through the pipeline, concurrency 1 and 16";

    private RealtimeTokenBench() {}

    static int run(List<String> args) {
        int seconds = 10;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--help") || args.get(i).equals("-h")) {
                System.out.println(
                        "Usage: keel bench realtime-token [--seconds N]   (default 10 per level, after 3 s warmup)");
                return 0;
            }
            if (args.get(i).equals("--seconds") && i + 1 < args.size()) {
                seconds = Integer.parseInt(args.get(++i));
            } else {
                System.err.println("keel-bench realtime-token: unknown option '" + args.get(i) + "'");
                return 2;
            }
        }
        // one INFO line per issued token is the sidecar's audit trail; here it would only measure the console
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(dev.keel.realtime.token.TokenService.class))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Map<String, String> tokens = new HashMap<>();
        for (int w = 0; w < 16; w++) {
            tokens.put("bench-app-token-" + w, "user-" + w);
        }
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().recordCapacity(0).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-bench", emulator.baseUrl())
                                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                                .inFlightLimit(256)
                                .build())
                        .build()) {
            var service = RealtimeTokenRoute.service(client, tokens, 1_000_000_000);
            Javalin app = Javalin.create(cfg -> {
                        cfg.startup.showJavalinBanner = false;
                        cfg.startup.showOldJavalinVersionWarning = false;
                        RealtimeTokenRoute.register(cfg, service);
                    })
                    .start("127.0.0.1", 0);
            try {
                URI uri = URI.create("http://127.0.0.1:" + app.port() + RealtimeTokenRoute.PATH);
                System.out.printf(
                        "keel-bench realtime-token: POST %s, upstream %s, java %s, %d cpus, warmup 3 s + %d s per level%n",
                        uri,
                        emulator.baseUrl(),
                        Runtime.version(),
                        Runtime.getRuntime().availableProcessors(),
                        seconds);
                System.out.printf(
                        "%-12s %12s %10s %10s %8s%n", "concurrency", "requests/s", "p50 (ms)", "p99 (ms)", "errors");
                for (int c : new int[] {1, 16}) {
                    level(uri, c, Duration.ofSeconds(3));
                    long[] r = level(uri, c, Duration.ofSeconds(seconds));
                    System.out.printf(
                            "%-12d %12.0f %10.2f %10.2f %8d%n",
                            c, r[0] / (double) seconds, r[1] / 1e6, r[2] / 1e6, r[3]);
                }
                return 0;
            } finally {
                app.stop();
            }
        } catch (Exception e) {
            System.err.println("keel-bench realtime-token: could not run: " + e);
            return 3;
        }
    }

    /** {count, p50 ns, p99 ns, errors} of a closed loop of {@code concurrency} workers for {@code d}. */
    private static long[] level(URI uri, int concurrency, Duration d) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + d.toNanos();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            String token = "bench-app-token-" + w;
            futures.add(pool.submit(() -> {
                long[] lat = new long[1 << 20];
                int n = 0;
                var req = HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"expires_after\":{\"seconds\":300}}"))
                        .build();
                while (System.nanoTime() < end && n < lat.length) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                    lat[n++] = System.nanoTime() - t;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        List<Long> all = new ArrayList<>();
        for (var f : futures) {
            for (long v : f.get()) {
                all.add(v);
            }
        }
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new long[] {0, 0, 0, errors.get()};
        }
        return new long[] {
            sorted.length,
            sorted[(int) Math.ceil(0.5 * sorted.length) - 1],
            sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
            errors.get()
        };
    }
}
