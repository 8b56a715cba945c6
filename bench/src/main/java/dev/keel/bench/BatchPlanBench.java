package dev.keel.bench;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RequestReuse;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plans generated batch input (read, validate, count tokens, price, split, write chunks, record in
 * a SQLite ledger) at two sizes, next to a plain read of the same file in the same run, and prints
 * MB/s, lines/s and peak heap so a flat heap shows as the input grows tenfold.
 */
final class BatchPlanBench {

    static final String SUMMARY =
            "plan 100k and 1M generated lines (each into a new ledger, then again as a new run that looks up the"
                    + " first) vs a plain read: MB/s, lines/s, CPU seconds (by thread) and cores used, peak heap";

    private BatchPlanBench() {}

    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: bin/keel bench batch-plan [--lines N]   (default: 100000 then 1000000)");
            return 0;
        }
        long big = args.contains("--lines") ? Long.parseLong(args.get(args.indexOf("--lines") + 1)) : 1_000_000;
        try {
            System.out.printf(
                    Locale.ROOT,
                    "# batch-plan: JDK %s, %d CPUs, max heap %d MB%n",
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.println("| lines | MB | plain read MB/s | plan MB/s | plan lines/s | plan / read time"
                    + " | plan CPU s | cores used | plan MB per CPU s | peak heap MB"
                    + " | CPU s: reader | workers | ledger writer | rest |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (long n : new long[] {big / 10, big}) {
                try (Scratch scratch = Scratch.create("keel-bench-plan")) {
                    Path dir = scratch.dir();
                    Path input = generate(dir, n);
                    measure(dir, input, n, RunInput.of(input), "");
                    measure(dir, input, n, RunInput.fresh(input, Clock.systemUTC()), " again");
                }
            }
            System.out.println();
            System.out.println(
                    "Each plan runs as `keel batch run` plans: with request reuse. A size's first plan goes to a new"
                            + " ledger, which has no earlier runs to look up; its second (\"again\", a new run of the same"
                            + " file, as --new-run makes) goes to the same ledger, so every line's custom_id is looked up"
                            + " in the first run (none has a result there, so all are planned again).");
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

    private static void measure(Path dir, Path input, long n, RunInput in, String label) throws IOException {
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
        var threads = new ThreadCpu();
        long cpu1 = processCpuNanos();
        long t1 = System.nanoTime();
        PlanResult r;
        try (threads) {
            r = new Planner(PlanConfig.ofDefaults(), PriceTable.builtIn(), ledger, Clock.systemUTC())
                    .withReuse(new RequestReuse("bench", true))
                    .plan(in, dir.resolve(in.runId()));
        }
        double planSeconds = (System.nanoTime() - t1) / 1e9;
        double planCpuSeconds = (processCpuNanos() - cpu1) / 1e9;
        if (!r.accepted() || r.items() != n) {
            throw new IllegalStateException("plan accepted " + r.items() + " of " + n + " lines: " + r.problems());
        }
        System.out.printf(
                Locale.ROOT,
                "| %,d%s | %.0f | %.0f | %.1f | %,.0f | %.0fx | %.1f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %.1f |%n",
                n,
                label,
                mb,
                mb / readSeconds,
                mb / planSeconds,
                n / planSeconds,
                planSeconds / readSeconds,
                planCpuSeconds,
                planCpuSeconds / planSeconds,
                mb / planCpuSeconds,
                peakHeapMb(),
                threads.seconds(ThreadCpu.READER),
                threads.seconds(ThreadCpu.WORKERS),
                threads.seconds(ThreadCpu.WRITER),
                planCpuSeconds
                        - threads.seconds(ThreadCpu.READER)
                        - threads.seconds(ThreadCpu.WORKERS)
                        - threads.seconds(ThreadCpu.WRITER));
    }

    /**
     * CPU time of the plan's threads by role, read every 20 ms while it runs (the planner's threads
     * end with the plan, so their last reading stands): the reading thread (this one), the planning
     * workers ({@code keel-plan-*}) and the ledger's writer ({@code keel-plan-writer-*}). What is left
     * of the process's CPU time is GC, JIT and the rest.
     */
    private static final class ThreadCpu implements AutoCloseable {
        static final int READER = 0;
        static final int WORKERS = 1;
        static final int WRITER = 2;

        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final Map<Long, long[]> seen = new ConcurrentHashMap<>();
        private final long reader = Thread.currentThread().threadId();
        private final long readerStart = mx.getCurrentThreadCpuTime();
        private final Thread sampler;
        private volatile boolean done;

        ThreadCpu() {
            sampler = Thread.ofPlatform().daemon().name("bench-thread-cpu").start(() -> {
                while (!done) {
                    sample();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private void sample() {
            for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t == null) {
                    continue;
                }
                String name = t.getThreadName();
                int role = name.startsWith("keel-plan-writer-") ? WRITER : name.startsWith("keel-plan-") ? WORKERS : -1;
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (role >= 0 && cpu > 0) {
                    seen.computeIfAbsent(t.getThreadId(), k -> new long[] {role, 0})[1] = cpu;
                }
            }
        }

        @Override
        public void close() {
            seen.put(reader, new long[] {READER, mx.getCurrentThreadCpuTime() - readerStart});
            done = true;
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double seconds(int role) {
            return seen.values().stream()
                            .filter(v -> v[0] == role)
                            .mapToLong(v -> v[1])
                            .sum()
                    / 1e9;
        }
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

    /**
     * CPU time of the whole process (every thread, GC and JIT included), so a run on a machine
     * others are loading still says what the plan cost: wall-clock rates there are lower bounds.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
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
