package dev.keel.bench;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.http.PoolConfig;
import dev.keel.gateway.Gateway;
import dev.keel.gateway.GatewayKey;
import dev.keel.gateway.GatewayKeys;
import dev.keel.gateway.GatewaySettings;
import dev.keel.gateway.KeyLimits;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * {@code keel bench gateway}: the same raw Jetty client straight to the emulator and through {@code
 * keel gateway} in front of it, side by side in one run at each concurrency level (1 and 64 by
 * default), the two taking turns in 1 s slices; prints p50/p99 and throughput of each and what the
 * gateway adds, plus the gateway's own time per call as it measures itself ({@code
 * gateway_overhead_ms}). The emulator runs in a child JVM ({@link ChildEmulator}); the gateway runs in
 * this JVM beside the load generator (a key with every limit set but none reached, so each check
 * runs). Not thread-safe: {@link Main} runs it once.
 */
final class GatewayOverhead {

    static final String SUMMARY =
            "a client straight to the emulator vs through keel gateway: added p50/p99 and throughput";

    private static final double TARGET_ADDED_P50_MS = 0.2;
    private static final double TARGET_ADDED_P99_MS = 1.0;
    private static final Duration SLICE = Duration.ofSeconds(1);

    private GatewayOverhead() {}

    static int run(List<String> args) {
        if (args.contains("--help")) {
            System.out.println(
                    "Usage: keel bench gateway [--warmup S] [--seconds S] [--concurrency 1,64] [--client-protocol h2c|http1]");
            System.out.println(SUMMARY);
            System.out.println("  --client-protocol P  what the direct and via-gateway clients speak: h2c (default,"
                    + " prior knowledge, as keel's own client) or http1 (HTTP/1.1, as most non-JVM SDKs)");
            return 0;
        }
        Settings settings;
        boolean http1;
        try {
            var rest = new java.util.ArrayList<>(args);
            int at = rest.indexOf("--client-protocol");
            String protocol = "h2c";
            if (at >= 0) {
                protocol = at + 1 < rest.size() ? rest.get(at + 1) : "";
                rest.subList(at, Math.min(at + 2, rest.size())).clear();
            }
            if (!protocol.equals("h2c") && !protocol.equals("http1")) {
                throw new IllegalArgumentException("--client-protocol must be h2c or http1, was '" + protocol + "'");
            }
            http1 = protocol.equals("http1");
            settings = Settings.parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("keel-bench gateway: " + e.getMessage());
            return 2;
        }
        try (var emulator = ChildEmulator.start()) {
            return measure(emulator, settings, http1);
        } catch (Exception e) {
            System.err.println("keel-bench gateway: could not run: " + e);
            return 3;
        }
    }

    private static int measure(ChildEmulator emulator, Settings settings, boolean http1) throws Exception {
        String secret = GatewayKeys.newSecret(new SecureRandom());
        var limits = new KeyLimits(100_000_000, 0, 100_000, null, null, true);
        var key = new GatewayKey("bench", GatewayKeys.sha256(secret), "bench", "bench", limits, false);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var config = KeelClientConfig.builder("sk-bench", emulator.baseUrl())
                .pool(PoolConfig.ofDefaults().withH2c(true))
                .inFlightLimit(256)
                .build();
        int workers = Integer.getInteger("keel.bench.gateway.worker-threads", 0);
        try (var gateway = Gateway.builder(
                                GatewaySettings.ofDefaults().withPort(0).withWorkerThreads(workers),
                                GatewayKeys.of(List.of(key)),
                                KeelClient.builder(config).meterRegistry(registry))
                        .start();
                var direct = RawJettyClient.open(emulator.baseUrl(), "sk-bench", "direct", http1);
                var through = RawJettyClient.open(gateway.baseUrl(), secret, "via-gateway", http1);
                var keel = KeelPipelineClient.open(emulator.baseUrl())) {
            System.out.printf(
                    "keel-bench gateway: POST /v1/responses (non-streaming) to the emulator (child pid %d) directly"
                            + " and through keel gateway %s (in this JVM, pid %d; gateway.worker-threads %d, set with"
                            + " -Dkeel.bench.gateway.worker-threads=N)%n",
                    emulator.pid(), gateway.baseUrl(), ProcessHandle.current().pid(), workers);
            System.out.printf(
                    "java %s, %d cpus, warmup %d s + measure %d s per client and level, %d ms slices taking turns;"
                            + " client protocol %s / %s / %s%n",
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    settings.warmup().toSeconds(),
                    settings.measure().toSeconds(),
                    SLICE.toMillis(),
                    direct.preflight(),
                    through.preflight(),
                    keel.preflight());
            System.out.println("clients: direct = raw Jetty to the emulator; via-gateway = the same raw Jetty client"
                    + " through the gateway; keel-client = keel's KeelClient (the gateway's upstream leg, alone) to the"
                    + " emulator, from this JVM");
            List<ClientUnderTest> clients = List.of(direct, through, keel);
            System.out.printf(
                    "targets: added p50 <= %.1f ms, added p99 <= %.0f ms%n", TARGET_ADDED_P50_MS, TARGET_ADDED_P99_MS);
            boolean met = true;
            for (int concurrency : settings.concurrency()) {
                interleave(
                        concurrency,
                        settings.warmup(),
                        clients,
                        emulator,
                        new long[clients.size()],
                        new long[clients.size()]);
                DistributionSummary own = registry.find("gateway_overhead_ms").summary();
                double ownBefore = own.totalAmount();
                long ownCountBefore = own.count();
                long[] emulatorCpu = new long[clients.size()];
                long[] kernelCpu = new long[clients.size()];
                var tallies = interleave(concurrency, settings.measure(), clients, emulator, emulatorCpu, kernelCpu);
                var d = tallies.get(0).result();
                var g = tallies.get(1).result();
                var k = tallies.get(2).result();
                double ownMean = (own.totalAmount() - ownBefore) / Math.max(1, own.count() - ownCountBefore);
                met &= report(concurrency, d, g, k, ownMean, emulatorCpu, kernelCpu);
            }
            return met ? 0 : 1;
        }
    }

    /**
     * Each client gets {@code total} of load in slices, taking turns; the order rotates every slice.
     * Adds the emulator's CPU nanoseconds during each client's slices to {@code emulatorCpu}, and this
     * JVM's kernel-mode CPU nanoseconds to {@code kernelCpu} (-1 once it cannot be read).
     */
    private static List<ClosedLoop.Tally> interleave(
            int concurrency,
            Duration total,
            List<ClientUnderTest> clients,
            ChildEmulator emulator,
            long[] emulatorCpu,
            long[] kernelCpu)
            throws InterruptedException {
        var tallies = new java.util.ArrayList<ClosedLoop.Tally>();
        clients.forEach(c -> tallies.add(new ClosedLoop.Tally(concurrency)));
        int first = 0;
        for (Duration left = total; left.isPositive(); left = left.minus(SLICE)) {
            Duration turn = left.compareTo(SLICE) < 0 ? left : SLICE;
            for (int i = 0; i < clients.size(); i++) {
                int c = (first + i) % clients.size();
                long before = emulator.cpuNanos();
                long kernelBefore = kernelNanos();
                tallies.get(c).add(turn, clients.get(c));
                emulatorCpu[c] += emulator.cpuNanos() - before;
                long kernelAfter = kernelNanos();
                kernelCpu[c] = kernelBefore < 0 || kernelAfter < 0 || kernelCpu[c] < 0
                        ? -1
                        : kernelCpu[c] + kernelAfter - kernelBefore;
            }
            first = (first + 1) % clients.size();
        }
        return tallies;
    }

    /**
     * This JVM's CPU time in the kernel so far (system calls, loopback TCP, wake-ups), from {@code
     * /proc/self/stat} in clock ticks of 10 ms; -1 where there is no such file.
     */
    private static long kernelNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]) * 10_000_000L; // stime, the 15th field; USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean report(
            int concurrency,
            ClosedLoop.Result d,
            ClosedLoop.Result g,
            ClosedLoop.Result k,
            double ownMeanMs,
            long[] emulatorCpu,
            long[] kernelCpu) {
        double addedP50 = g.p50Millis() - d.p50Millis();
        double addedP99 = g.p99Millis() - d.p99Millis();
        System.out.printf("%nconcurrency %d%n", concurrency);
        System.out.printf(
                "  %-12s %10s %10s %10s %10s %8s %15s %15s %15s%n",
                "client",
                "requests",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "this-jvm us/req",
                "(of it kernel)",
                "emulator us/req");
        List<ClosedLoop.Result> rows = List.of(d, g, k);
        List<String> names = List.of("direct", "via-gateway", "keel-client");
        for (int i = 0; i < rows.size(); i++) {
            var r = rows.get(i);
            System.out.printf(
                    "  %-12s %10d %10.0f %10.3f %10.3f %8d %15.1f %15.1f %15.1f%n",
                    names.get(i),
                    r.requests(),
                    r.successesPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.errors(),
                    r.cpuMicrosPerRequest(),
                    kernelCpu[i] < 0 ? Double.NaN : kernelCpu[i] / 1e3 / Math.max(1, r.requests()),
                    emulatorCpu[i] < 0 ? Double.NaN : emulatorCpu[i] / 1e3 / Math.max(1, r.requests()));
        }
        // This JVM (load generator + gateway) runs on one core when pinned: when that core is what
        // bounds a closed loop of N workers, each request waits about N x the CPU it costs there.
        System.out.printf(
                "  CPU per request in this JVM: via-gateway %.1f us - direct %.1f us = %.1f us added;"
                        + " where this JVM's one core bounds the loop, %d workers wait about %d x that = %.3f ms"
                        + " more per request%n",
                g.cpuMicrosPerRequest(),
                d.cpuMicrosPerRequest(),
                g.cpuMicrosPerRequest() - d.cpuMicrosPerRequest(),
                concurrency,
                concurrency,
                concurrency * (g.cpuMicrosPerRequest() - d.cpuMicrosPerRequest()) / 1e3);
        System.out.printf(
                "  added p50 %.3f ms (target <= %.1f), added p99 %.3f ms (target <= %.0f), throughput %.2fx of direct;"
                        + " the gateway's own time per call (gateway_overhead_ms, mean) %.3f ms%n",
                addedP50,
                TARGET_ADDED_P50_MS,
                addedP99,
                TARGET_ADDED_P99_MS,
                g.successesPerSecond() / d.successesPerSecond(),
                ownMeanMs);
        if (g.firstError() != null || d.firstError() != null) {
            System.out.printf("  first error: direct=%s via-gateway=%s%n", d.firstError(), g.firstError());
        }
        return addedP50 <= TARGET_ADDED_P50_MS && addedP99 <= TARGET_ADDED_P99_MS && g.errors() == 0 && d.errors() == 0;
    }
}
