package dev.keel.bench;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Plans generated batch input (read, validate, count tokens, price, split, write chunks, record in
 * a SQLite ledger) at two sizes, next to a plain read of the same file in the same run, and prints
 * MB/s, lines/s and peak heap so a flat heap shows as the input grows tenfold.
 */
final class BatchPlanBench {

    static final String SUMMARY = "plan 100k and 1M generated lines vs a plain read: MB/s, lines/s, peak heap";

    private BatchPlanBench() {}

    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: bin/keel bench batch-plan [--lines N]   (default: 100000 then 1000000)");
            return 0;
        }
        long big = args.contains("--lines") ? Long.parseLong(args.get(args.indexOf("--lines") + 1)) : 1_000_000;
        try {
            Path dir = Files.createTempDirectory("keel-bench-plan");
            System.out.printf(
                    Locale.ROOT,
                    "# batch-plan: JDK %s, %d CPUs, max heap %d MB%n",
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.println(
                    "| lines | MB | plain read MB/s | plan MB/s | plan lines/s | plan / read time | peak heap MB |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            for (long n : new long[] {big / 10, big}) {
                Path input = generate(dir, n);
                measure(dir, input, n);
                Files.delete(input);
            }
            return 0;
        } catch (IOException e) {
            System.err.println("keel-bench batch-plan: " + e);
            return 3;
        }
    }

    private static Path generate(Path dir, long n) throws IOException {
        Path p = dir.resolve("input-" + n + ".jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                w.write("{\"custom_id\":\"doc-" + i + "-1700000000\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"gpt-4.1-mini\",\"instructions\":\"Summarise in one sentence.\","
                        + "\"input\":\"Document " + i + ": quarterly numbers for region " + (i % 97)
                        + " rose while churn fell; the team asks for a short summary.\",\"max_output_tokens\":64}}\n");
            }
        }
        return p;
    }

    private static void measure(Path dir, Path input, long n) throws IOException {
        double mb = Files.size(input) / 1e6;
        long t0 = System.nanoTime();
        long lines = plainRead(input);
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        if (lines != n) {
            throw new IllegalStateException("read " + lines + " lines, expected " + n);
        }
        System.gc();
        resetPeaks();
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("ledger-" + n + ".db")));
        RunInput in = RunInput.of(input);
        long t1 = System.nanoTime();
        PlanResult r = new Planner(PlanConfig.ofDefaults(), PriceTable.builtIn(), ledger, Clock.systemUTC())
                .plan(in, dir.resolve("run-" + n));
        double planSeconds = (System.nanoTime() - t1) / 1e9;
        if (!r.accepted() || r.items() != n) {
            throw new IllegalStateException("plan accepted " + r.items() + " of " + n + " lines: " + r.problems());
        }
        System.out.printf(
                Locale.ROOT,
                "| %,d | %.0f | %.0f | %.1f | %,.0f | %.0fx | %d |%n",
                n,
                mb,
                mb / readSeconds,
                mb / planSeconds,
                n / planSeconds,
                planSeconds / readSeconds,
                peakHeapMb());
    }

    private static long plainRead(Path input) throws IOException {
        long lines = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
            for (int k; (k = in.read(buf)) > 0; ) {
                for (int i = 0; i < k; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
