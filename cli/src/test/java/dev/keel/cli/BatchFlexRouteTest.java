package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel batch run --route flex|auto} in-process against a real emulator and a real SQLite
 * ledger: the flex route accounts for every item at the batch route's cost, each {@code
 * --flex-fallback} moves the items flex refused where it says, auto picks the route its rule names,
 * and bad values are refused before anything is sent.
 */
class BatchFlexRouteTest {

    private static final Path TICKETS = Path.of("..", "examples", "batch", "support-tickets.jsonl");

    @TempDir
    Path dir;

    private Emulator emulator;
    private final CliHarness cli = new CliHarness();
    private Path prices;

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.start(EmulatorConfig.builder()
                .batchSpeed(20_000)
                .flexLatency(Duration.ofMillis(5))
                .recordCapacity(100_000)
                .build());
        // gpt-4.1-mini has no flex rate in the shipped table (Flex serves a limited set of models);
        // this run's price file says flex serves it at Batch rates, as OpenAI prices flex.
        prices = dir.resolve("prices.json");
        Files.writeString(prices, """
                {"as_of": "2026-12-03", "models": {"gpt-4.1-mini": {
                  "standard": {"input": 0.4, "cached_input": 0.1, "cache_write": "not_billed", "output": 1.6},
                  "batch": {"input": 0.2, "cached_input": 0.05, "cache_write": "not_billed", "output": 0.8},
                  "flex": {"input": 0.2, "cached_input": 0.05, "cache_write": "not_billed", "output": 0.8}}}}
                """);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int keel(String db, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db",
                "jdbc:sqlite:" + dir.resolve(db),
                "--run-dir",
                dir.resolve("runs-" + db).toString(),
                "--base-url",
                emulator.baseUrl().toString(),
                "--poll-interval",
                "20ms"));
        return cli.run(all);
    }

    private Path input(int n) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add("{\"custom_id\":\"t-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + "\",\"max_output_tokens\":30}}");
        }
        Path p = dir.resolve("in-" + n + ".jsonl");
        Files.write(p, lines);
        return p;
    }

    private static List<ResultRecord> results(String db, String runId) {
        return new RunHistory(new Ledger(Database.open(db))).results(runId);
    }

    private static Map<String, Long> tiers(List<ResultRecord> rs) {
        return rs.stream().collect(Collectors.groupingBy(ResultRecord::tier, Collectors.counting()));
    }

    /** Model calls (Responses and Chat Completions) sent with service_tier flex. */
    private List<RecordedRequest> flexCalls() {
        return emulator.requests().stream()
                .filter(r -> r.method().equals("POST")
                        && (r.path().equals("/v1/responses") || r.path().equals("/v1/chat/completions")))
                .filter(r ->
                        "flex".equals(Json.parse(r.body()).path("service_tier").asText(null)))
                .toList();
    }

    @Test
    void flexRoute_onTheSupportTickets_accountsForEveryItemAtTheBatchRoutesCostWithItsWallTime() throws Exception {
        Path tickets = dir.resolve("support-tickets.jsonl");
        Files.copy(TICKETS, tickets);
        assertThat(keel(
                        "batch.db",
                        "batch",
                        "run",
                        tickets.toString(),
                        "--prices",
                        prices.toString(),
                        "--format",
                        "json"))
                .as(cli.err())
                .isZero();
        JsonNode batch = Json.parse(cli.out());
        assertThat(emulator.requests("POST", "/v1/batches")).isNotEmpty();
        assertThat(flexCalls()).isEmpty();
        // a fresh upstream: the same file is the same run id, and the batch run's batches would be
        // orphans to the flex run's ledger
        emulator.close();
        start();

        assertThat(keel(
                        "flex.db",
                        "batch",
                        "run",
                        tickets.toString(),
                        "--route",
                        "flex",
                        "--prices",
                        prices.toString(),
                        "--format",
                        "json"))
                .as(cli.err())
                .isZero();
        JsonNode flex = Json.parse(cli.out());
        assertThat(cli.err()).contains("route flex: 16 calls at once").contains("--flex-fallback batch");

        assertThat(flex.at("/items/input").asInt()).isEqualTo(1200);
        assertThat(flex.at("/items/ok").asInt()).isEqualTo(1200);
        assertThat(flex.at("/items/manual").asInt()).isZero();
        assertThat(flex.at("/items/pending").asInt()).isZero();
        assertThat(flex.at("/cost_usd/batch").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(flex.at("/cost_usd/flex").decimalValue())
                .isEqualByComparingTo(batch.at("/cost_usd/batch").decimalValue())
                .isGreaterThan(BigDecimal.ZERO);
        assertThat(flex.at("/cost_usd/effective").decimalValue())
                .isEqualByComparingTo(batch.at("/cost_usd/effective").decimalValue());
        assertThat(flex.at("/cost_usd/sync_equivalent").decimalValue())
                .isEqualByComparingTo(batch.at("/cost_usd/sync_equivalent").decimalValue());
        assertThat(flex.at("/latency_ms/wall").isIntegralNumber()).isTrue();
        assertThat(flex.at("/latency_ms/wall").asLong()).isPositive();
        assertThat(flex.path("cost_split").toString()).contains("flex").doesNotContain("\"batch\"");

        // every ticket exactly once upstream, at the flex tier, and none through the Batch API
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        Map<String, Long> perId = flexCalls().stream()
                .collect(Collectors.groupingBy(r -> r.header("Idempotency-Key").orElseThrow(), Collectors.counting()));
        assertThat(perId).hasSize(1200);
        assertThat(perId.values()).containsOnly(1L);
        String runId = flex.path("run_id").asText();
        Path runDir = dir.resolve("runs-flex.db").resolve(runId);
        List<String> exported = Files.readAllLines(runDir.resolve("results.jsonl"));
        assertThat(exported).hasSize(1200);
        assertThat(exported)
                .allSatisfy(l -> assertThat(Json.parse(l).path("tier").asText()).isEqualTo("flex"));
        assertThat(Files.readAllLines(runDir.resolve("manual.jsonl"))).isEmpty();
        assertThat(tiers(results("jdbc:sqlite:" + dir.resolve("flex.db"), runId)))
                .isEqualTo(Map.of("FLEX", 1200L));

        // rerunning the finished run sends nothing again
        emulator.clearRequests();
        assertThat(keel(
                        "flex.db",
                        "batch",
                        "run",
                        tickets.toString(),
                        "--route",
                        "flex",
                        "--prices",
                        prices.toString()))
                .isZero();
        assertThat(emulator.requests("POST", "/v1/responses")).isEmpty();
    }

    @Test
    void worker_withRouteFlex_drivesAPlannedRunThroughTheFlexLane() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("w.db");
        var planner = new Planner(
                PlanConfig.ofDefaults(), PriceTable.load(prices), new Ledger(Database.open(db)), Clock.systemUTC());
        var plan = planner.plan(RunInput.of(input(40)), dir.resolve("runs-w.db").resolve("planned"));
        assertThat(plan.accepted()).isTrue();

        assertThat(keel("w.db", "batch", "worker", "--route", "flex", "--prices", prices.toString()))
                .as(cli.err())
                .isZero();

        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        assertThat(flexCalls()).hasSize(40);
        assertThat(tiers(results(db, plan.runId()))).isEqualTo(Map.of("FLEX", 40L));
    }

    /** Flex refuses 70 % of flex attempts (only flex: the standard tier and batch lines pass). */
    private void flexMostlyUnavailable() {
        emulator.replaceFaults(new FaultPlan(
                20261203,
                List.of(FaultRule.withProbability("POST /v1/responses", 0.7, FaultSpec.parse("flex-unavailable")))));
    }

    private JsonNode runWithFallback(String fallback, int expectedExit) throws Exception {
        flexMostlyUnavailable();
        Path in = input(40);
        int code = keel(
                fallback + ".db",
                "batch",
                "run",
                in.toString(),
                "--route",
                "flex",
                "--flex-fallback",
                fallback,
                "--prices",
                prices.toString(),
                "--max-items",
                "20",
                "--format",
                "json");
        assertThat(code).as(cli.err()).isEqualTo(expectedExit);
        JsonNode report = Json.parse(cli.out());
        assertThat(report.at("/items/input").asInt()).isEqualTo(40);
        assertThat(report.at("/items/pending").asInt()).isZero();
        return report;
    }

    @Test
    void flexFallbackBatch_whenFlexKeepsRefusing_movesThoseItemsToABatchApiChunk() throws Exception {
        JsonNode report = runWithFallback("batch", ExitCodes.OK);
        String runId = report.path("run_id").asText();
        Map<String, Long> tiers = tiers(results("jdbc:sqlite:" + dir.resolve("batch.db"), runId));
        assertThat(report.at("/items/ok").asInt()).isEqualTo(40);
        assertThat(tiers.keySet()).containsExactlyInAnyOrder("FLEX", "BATCH");
        assertThat(tiers.get("FLEX") + tiers.get("BATCH")).isEqualTo(40);
        assertThat(emulator.requests("POST", "/v1/batches")).isNotEmpty();
        // each item that went to batch has its flex refusal in failed.jsonl
        Path runDir = dir.resolve("runs-batch.db").resolve(runId);
        List<JsonNode> failed = Files.readAllLines(runDir.resolve("failed.jsonl")).stream()
                .map(Json::parse)
                .toList();
        assertThat(failed).hasSize(tiers.get("BATCH").intValue());
        assertThat(failed).allSatisfy(f -> {
            assertThat(f.path("code").asText()).isEqualTo("resource_unavailable");
            assertThat(f.path("message").asText()).contains("--flex-fallback batch");
        });
        assertThat(report.path("cost_split").toString()).contains("flex").contains("batch");
        assertThat(report.at("/cost_usd/sync_fallback").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void flexFallbackStandard_whenFlexKeepsRefusing_sendsThoseItemsAtTheStandardTierAndTheReportSaysSo()
            throws Exception {
        JsonNode report = runWithFallback("standard", ExitCodes.OK);
        String runId = report.path("run_id").asText();
        List<ResultRecord> rs = results("jdbc:sqlite:" + dir.resolve("standard.db"), runId);
        Map<String, Long> tiers = tiers(rs);
        assertThat(report.at("/items/ok").asInt()).isEqualTo(40);
        assertThat(tiers.keySet()).containsExactlyInAnyOrder("FLEX", "STANDARD");
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        // the standard calls are the items flex refused, each sent once without service_tier flex
        long standardCalls = emulator.requests("POST", "/v1/responses").stream()
                .filter(r -> !Json.parse(r.body()).has("service_tier"))
                .count();
        assertThat(standardCalls).isEqualTo(tiers.get("STANDARD"));
        assertThat(report.at("/cost_usd/sync_fallback").decimalValue()).isGreaterThan(BigDecimal.ZERO);
        assertThat(report.path("cost_split").toString()).contains("standard").contains("flex");
        double standardCost = rs.stream()
                .filter(r -> r.tier().equals("STANDARD"))
                .mapToDouble(ResultRecord::costUsd)
                .sum();
        assertThat(report.at("/cost_usd/sync_fallback").asDouble())
                .isCloseTo(standardCost, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void flexFallbackManual_whenFlexKeepsRefusing_putsThoseItemsInTheManualQueue() throws Exception {
        JsonNode report = runWithFallback("manual", ExitCodes.JOB_FAILURES);
        String runId = report.path("run_id").asText();
        Map<String, Long> tiers = tiers(results("jdbc:sqlite:" + dir.resolve("manual.db"), runId));
        int manual = report.at("/items/manual").asInt();
        assertThat(manual).isPositive();
        assertThat(tiers).isEqualTo(Map.of("FLEX", 40L - manual));
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        assertThat(emulator.requests("POST", "/v1/responses"))
                .allSatisfy(r -> assertThat(
                                Json.parse(r.body()).path("service_tier").asText())
                        .isEqualTo("flex"));
        List<JsonNode> queue =
                Files.readAllLines(dir.resolve("runs-manual.db").resolve(runId).resolve("manual.jsonl")).stream()
                        .map(Json::parse)
                        .toList();
        assertThat(queue).hasSize(manual);
        assertThat(queue).allSatisfy(q -> {
            assertThat(q.path("code").asText()).isEqualTo("resource_unavailable");
            assertThat(q.path("message").asText()).contains("--flex-fallback manual");
        });
    }

    @Test
    void routeAuto_byToleranceSizeAndFlexPrice_picksTheRouteItsRuleNames() throws Exception {
        Path in = input(40);
        // 24h: the Batch API's window fits, so batch
        assertThat(keel("a.db", "batch", "run", in.toString(), "--route", "auto", "--prices", prices.toString()))
                .isZero();
        assertThat(cli.err()).contains("--route auto chose batch for 40 items");
        assertThat(flexCalls()).isEmpty();
        // 1h, 40 items at 16 at once: 3 minutes of flex fit in half an hour, so flex
        emulator.clearRequests();
        assertThat(keel(
                        "b.db",
                        "batch",
                        "run",
                        in.toString(),
                        "--route",
                        "auto",
                        "--latency-tolerance",
                        "1h",
                        "--prices",
                        prices.toString()))
                .isZero();
        assertThat(cli.err()).contains("--route auto chose flex for 40 items");
        assertThat(flexCalls()).hasSize(40);
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        // 10m, 40 items one at a time: 40 minutes do not fit in 5, so batch
        emulator.clearRequests();
        assertThat(keel(
                        "c.db",
                        "batch",
                        "run",
                        in.toString(),
                        "--route",
                        "auto",
                        "--latency-tolerance",
                        "10m",
                        "--flex-concurrency",
                        "1",
                        "--prices",
                        prices.toString()))
                .isZero();
        assertThat(cli.err()).contains("--route auto chose batch for 40 items");
        assertThat(flexCalls()).isEmpty();
        // 1h but no flex price for the model (the shipped table): batch
        emulator.clearRequests();
        assertThat(keel("d.db", "batch", "run", in.toString(), "--route", "auto", "--latency-tolerance", "1h"))
                .isZero();
        assertThat(cli.err()).contains("--route auto chose batch for 40 items");
        assertThat(flexCalls()).isEmpty();
    }

    @Test
    void routeOptions_withBadValues_areRefusedBeforeAnythingIsSent() throws Exception {
        Path in = input(3);
        Function<String[], String> refused = args -> {
            int code = keel("bad.db", args);
            assertThat(code).as(cli.err()).isEqualTo(ExitCodes.BAD_INPUT);
            return cli.err();
        };
        assertThat(refused.apply(new String[] {"batch", "run", in.toString(), "--route", "fast"}))
                .contains("--route")
                .contains("batch.route")
                .contains("must be one of batch, flex, auto, was 'fast'");
        assertThat(refused.apply(new String[] {"batch", "run", in.toString(), "--flex-fallback", "later"}))
                .contains("--flex-fallback")
                .contains("must be one of batch, standard, manual, was 'later'");
        assertThat(refused.apply(new String[] {"batch", "run", in.toString(), "--flex-concurrency", "0"}))
                .contains("--flex-concurrency")
                .contains("batch.flex-concurrency");
        // flex on a model without a flex price: refused, naming the model and the way out
        assertThat(refused.apply(new String[] {"batch", "run", in.toString(), "--route", "flex"}))
                .contains("--route flex: gpt-4.1-mini has no flex rate in the price table")
                .contains("--route batch")
                .contains("--prices FILE");
        assertThat(emulator.requests("POST", "/v1/responses")).isEmpty();
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
    }
}
