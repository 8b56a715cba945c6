package dev.keel.bench;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.run.BatchRoute;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.FlexConfig;
import dev.keel.batch.run.FlexFallback;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The same 10,000 items through the batch, flex and auto routes, side by side, each against its own
 * emulator and SQLite ledger, with 5 % retryable failures: on the batch route 5 % of every batch's
 * lines (replays included) fail retryably ({@code batch:line-failures}); on the flex lane 5 % of flex
 * attempts answer 429 "resource unavailable" ({@code flex-unavailable}), retried by the pipeline,
 * then moved by {@code --flex-fallback batch}. Prints, per route, the route auto chose, the share of
 * items per tier, effective cost over the same work at sync prices (target <= 0.52), and wall time.
 */
final class BatchEndToEnd {

    static final String SUMMARY =
            "10,000 items with 5% retryable failures through batch, flex and auto routes: cost vs sync, tiers";

    /** One column of the comparison. */
    private record Route(String label, BatchRoute route, Duration tolerance, double flexUnavailable) {}

    private record Row(Route route, BatchRoute chosen, RunReport report, Map<String, Long> tiers, double seconds) {}

    private BatchEndToEnd() {}

    static int run(List<String> args) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.keel.batch"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: bin/keel bench batch-e2e [--items N] [--failure-rate R] [--flex-concurrency N]"
                    + " [--flex-latency DURATION_MS]");
            return 0;
        }
        int items = args.contains("--items") ? Integer.parseInt(args.get(args.indexOf("--items") + 1)) : 10_000;
        String rate = args.contains("--failure-rate") ? args.get(args.indexOf("--failure-rate") + 1) : "0.05";
        int concurrency = args.contains("--flex-concurrency")
                ? Integer.parseInt(args.get(args.indexOf("--flex-concurrency") + 1))
                : 64;
        long flexMs =
                args.contains("--flex-latency") ? Long.parseLong(args.get(args.indexOf("--flex-latency") + 1)) : 5;
        double p = Double.parseDouble(rate);
        var routes = List.of(
                new Route("batch", BatchRoute.BATCH, Duration.ofHours(24), p),
                new Route("flex", BatchRoute.FLEX, Duration.ofHours(24), p),
                new Route("flex, 429 on 40 % of flex attempts", BatchRoute.FLEX, Duration.ofHours(24), 0.4),
                new Route("auto, tolerance 6h", BatchRoute.AUTO, Duration.ofHours(6), p),
                new Route("auto, tolerance 1h", BatchRoute.AUTO, Duration.ofHours(1), p));
        try (Scratch scratch = Scratch.create("keel-bench-e2e")) {
            Path dir = scratch.dir();
            Path input = dir.resolve("input.jsonl");
            try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
                for (int i = 0; i < items; i++) {
                    w.write("{\"custom_id\":\"ticket-" + i
                            + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                            + "{\"model\":\"gpt-5-mini\",\"input\":\"Summarise ticket " + i
                            + ": the customer asks about a refund for order " + (i * 7)
                            + ".\",\"max_output_tokens\":48}}\n");
                }
            }
            var rows = new ArrayList<Row>();
            for (Route r : routes) {
                rows.add(runRoute(r, dir.resolve("route-" + rows.size()), input, rate, concurrency, flexMs));
            }
            System.out.printf(
                    Locale.ROOT,
                    "# batch-e2e: %,d items (gpt-5-mini), %s retryable failures (batch lines; flex attempts answer"
                            + " 429), --flex-concurrency %d, flex latency %d ms, --flex-fallback batch, JDK %s, %d CPUs%n",
                    items,
                    rate,
                    concurrency,
                    flexMs,
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| route | ran as | ok | manual | failed once | replays | batch tier | flex tier |"
                    + " standard tier | effective $ | sync $ | effective / sync | wall s |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            boolean met = true;
            for (Row row : rows) {
                RunReport rep = row.report();
                long all = Math.max(
                        1,
                        row.tiers().values().stream().mapToLong(Long::longValue).sum());
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %,d | %d | %d | %d | %.1f %% | %.1f %% | %.1f %% | %.4f | %.4f | **%.4f** | %.1f |%n",
                        row.route().label(),
                        row.chosen().label(),
                        rep.ok(),
                        rep.manual(),
                        rep.failedOnce(),
                        rep.replays(),
                        100.0 * row.tiers().getOrDefault("BATCH", 0L) / all,
                        100.0 * row.tiers().getOrDefault("FLEX", 0L) / all,
                        100.0 * row.tiers().getOrDefault("STANDARD", 0L) / all,
                        rep.effectiveCostUsd(),
                        rep.syncEquivalentUsd(),
                        rep.costRatio(),
                        row.seconds());
                met &= rep.costRatio() <= 0.52 && rep.ok() + rep.manual() == items;
            }
            System.out.println(
                    met
                            ? "target: effective / sync <= 0.52 on every route, every item accounted for — met"
                            : "target: effective / sync <= 0.52 on every route, every item accounted for — MISSED");
            return met ? 0 : 1;
        } catch (Exception e) {
            System.err.println("keel-bench batch-e2e: " + e);
            return 3;
        }
    }

    private static Row runRoute(Route route, Path dir, Path input, String rate, int concurrency, long flexMs)
            throws Exception {
        Files.createDirectories(dir);
        try (Emulator emulator = Emulator.start(EmulatorConfig.builder()
                .batchSpeed(3600)
                .recordCapacity(0)
                .flexLatency(Duration.ofMillis(flexMs))
                .build())) {
            emulator.replaceFaults(new FaultPlan(
                    42,
                    List.of(
                            FaultRule.withProbability(
                                    "POST /v1/batches", 1.0, FaultSpec.parse("batch:line-failures:" + rate)),
                            FaultRule.withProbability(
                                    "POST /v1/responses",
                                    route.flexUnavailable(),
                                    FaultSpec.parse("flex-unavailable")))));
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
                                RunConfig.ofDefaults()
                                        .withPollInterval(Duration.ofMillis(50))
                                        .withSyncFallback(false, route.tolerance()),
                                Clock.systemUTC(),
                                Sleeper.SYSTEM,
                                ProgressListener.NONE)
                        .flex(new FlexConfig(route.route(), FlexFallback.BATCH, concurrency, Duration.ofMinutes(15)));
                long t0 = System.nanoTime();
                BatchRoute chosen = runner.routeOf(plan.runId());
                RunOutcome outcome = runner.drive(plan.runId());
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (!(outcome instanceof RunOutcome.Finished)) {
                    throw new IllegalStateException(route.label() + ": the run did not finish: " + outcome);
                }
                RunReport r = new Reports(ledger, prices).report(plan.runId(), null, 0.03);
                Map<String, Long> tiers = new RunHistory(ledger)
                        .results(plan.runId()).stream()
                                .collect(Collectors.groupingBy(ResultRecord::tier, Collectors.counting()));
                return new Row(route, chosen, r, tiers, seconds);
            }
        }
    }
}
