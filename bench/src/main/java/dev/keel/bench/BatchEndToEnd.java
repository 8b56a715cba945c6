package dev.keel.bench;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.batch.run.RunOutcome;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.time.Sleeper;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A 10,000-item run through the whole pipeline against the emulator with 5 % of requests failing
 * retryably in every batch (replays included): prints the effective cost against the same work at
 * sync prices (target <= 0.52), replays, manual items and wall time.
 */
final class BatchEndToEnd {

    static final String SUMMARY = "10,000-item batch run with 5% retryable line failures: cost vs sync prices";

    private BatchEndToEnd() {}

    static int run(List<String> args) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.keel.batch"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: bin/keel bench batch-e2e [--items N] [--failure-rate R]");
            return 0;
        }
        int items = args.contains("--items") ? Integer.parseInt(args.get(args.indexOf("--items") + 1)) : 10_000;
        String rate = args.contains("--failure-rate") ? args.get(args.indexOf("--failure-rate") + 1) : "0.05";
        try (Emulator emulator = Emulator.start(
                EmulatorConfig.builder().batchSpeed(3600).recordCapacity(0).build())) {
            emulator.replaceFaults(new FaultPlan(
                    42,
                    List.of(FaultRule.withProbability(
                            "POST /v1/batches", 1.0, FaultSpec.parse("batch:line-failures:" + rate)))));
            Path dir = Files.createTempDirectory("keel-bench-e2e");
            Path input = dir.resolve("input.jsonl");
            try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
                for (int i = 0; i < items; i++) {
                    w.write("{\"custom_id\":\"ticket-" + i
                            + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                            + "{\"model\":\"gpt-4.1-mini\",\"input\":\"Summarise ticket " + i
                            + ": the customer asks about a refund for order " + (i * 7)
                            + ".\",\"max_output_tokens\":48}}\n");
                }
            }
            var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
            var prices = PriceTable.builtIn();
            PlanResult plan = new Planner(PlanConfig.ofDefaults(), prices, ledger, Clock.systemUTC())
                    .plan(RunInput.of(input), dir.resolve("run"));
            var config = KeelClientConfig.builder("sk-bench", emulator.baseUrl())
                    .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                    .trafficClass(TrafficClass.BATCH)
                    .build();
            try (var client = KeelClient.builder(config).build()) {
                var runner = new BatchRunner(
                        ledger,
                        client,
                        prices,
                        ReplayPolicy.ofDefaults(),
                        RunConfig.ofDefaults().withPollInterval(Duration.ofMillis(50)),
                        Clock.systemUTC(),
                        Sleeper.SYSTEM,
                        ProgressListener.NONE);
                long t0 = System.nanoTime();
                RunOutcome outcome = runner.drive(plan.runId());
                double seconds = (System.nanoTime() - t0) / 1e9;
                RunReport r = new Reports(ledger).report(plan.runId(), null, 0.03);
                System.out.printf(
                        Locale.ROOT,
                        "# batch-e2e: %d items, %s of requests failing retryably in every batch, JDK %s, %d CPUs%n",
                        items,
                        rate,
                        Runtime.version(),
                        Runtime.getRuntime().availableProcessors());
                System.out.println(
                        "| items | ok | manual | failed once | replays | batches | effective $ | sync $ | cost ratio | wall s |");
                System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                System.out.printf(
                        Locale.ROOT,
                        "| %,d | %,d | %d | %d | %d | %d | %.4f | %.4f | **%.4f** | %.1f |%n",
                        r.input(),
                        r.ok(),
                        r.manual(),
                        r.failedOnce(),
                        r.replays(),
                        ledger.chunks(plan.runId()).size(),
                        r.effectiveCostUsd(),
                        r.syncEquivalentUsd(),
                        r.costRatio(),
                        seconds);
                System.out.println(
                        outcome instanceof RunOutcome.Finished && r.costRatio() <= 0.52
                                ? "target: cost ratio <= 0.52 — met"
                                : "target: cost ratio <= 0.52 — MISSED");
                return r.costRatio() <= 0.52 ? 0 : 1;
            }
        } catch (Exception e) {
            System.err.println("keel-bench batch-e2e: " + e);
            return 3;
        }
    }
}
