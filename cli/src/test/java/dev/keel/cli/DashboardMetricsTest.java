package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.http.HttpCall;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.Deadline;
import dev.keel.core.time.Sleeper;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.realtime.latency.RealtimeMetrics;
import dev.keel.realtime.latency.Segment;
import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.token.TokenBroker;
import dev.keel.realtime.token.TokenIssuer;
import dev.keel.realtime.token.TokenRequest;
import dev.keel.structured.decode.DecodeEvent;
import dev.keel.structured.decode.DecodeMetrics;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.decode.Reason;
import dev.keel.structured.decode.ReasonKind;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the shipped Grafana dashboards ({@code docs/dashboards/*.json}) query exists in the
 * Prometheus scrape, with a {@code # HELP} text, after a scripted mix that drives transport, retries
 * and a breaker, a batch run, structured decodes and realtime turns and tokens into one {@link
 * PrometheusMeterRegistry} (what {@code keel serve}'s {@code /metrics} renders). Equality label
 * matchers in a dashboard must match a scraped series too. Against the emulator over real sockets, a
 * real SQLite ledger.
 */
class DashboardMetricsTest {

    private static final Path DASHBOARDS = Path.of("..", "docs", "dashboards");

    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "count",
            "topk",
            "bottomk",
            "quantile",
            "stddev",
            "stdvar",
            "group",
            "rate",
            "irate",
            "increase",
            "delta",
            "idelta",
            "deriv",
            "histogram_quantile",
            "clamp_min",
            "clamp_max",
            "abs",
            "ceil",
            "floor",
            "round",
            "sort",
            "sort_desc",
            "time",
            "vector",
            "scalar",
            "label_replace",
            "label_join",
            "avg_over_time",
            "max_over_time",
            "min_over_time",
            "sum_over_time",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "offset",
            "and",
            "or",
            "unless",
            "bool",
            "e");

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?");
    private static final Pattern EQ_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");

    @TempDir
    Path dir;

    @Test
    void everyMetricADashboardQueries_isInTheScrape_withHelpText_afterAScriptedMix() throws Exception {
        String scrape = scrapeAfterMix();

        Map<String, List<String>> selectors = dashboardSelectors();
        assertThat(selectors).as("the dashboards name metrics").hasSizeGreaterThan(30);
        List<String> missing = new ArrayList<>();
        for (var e : selectors.entrySet()) {
            String name = e.getKey();
            List<String> series = scrape.lines()
                    .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .toList();
            if (series.isEmpty()) {
                missing.add(name + ": no series");
                continue;
            }
            if (!hasHelp(scrape, name)) {
                missing.add(name + ": no # HELP text");
            }
            for (String matchers : e.getValue()) {
                Matcher m = EQ_MATCHER.matcher(matchers);
                while (m.find()) {
                    String label = m.group(1) + "=\"" + m.group(2) + "\"";
                    if (series.stream().noneMatch(l -> l.contains(label))) {
                        missing.add(name + ": no series with " + label);
                    }
                }
            }
        }
        assertThat(missing)
                .as("dashboard metrics missing from the scrape (scrape below):\n%s\n%s", missing, scrape)
                .isEmpty();
    }

    @Test
    void dashboards_areGrafanaJson_withAUidATitleAndPanelsThatQueryPrometheus() throws Exception {
        for (Path p : dashboardFiles()) {
            JsonNode d = Json.parse(Files.readString(p));
            assertThat(d.path("uid").asText()).as(p + " uid").isNotBlank();
            assertThat(d.path("title").asText()).as(p + " title").startsWith("keel / ");
            assertThat(d.path("panels")).as(p + " panels").isNotEmpty();
            for (JsonNode panel : d.path("panels")) {
                assertThat(panel.path("targets"))
                        .as(p + " " + panel.path("title"))
                        .isNotEmpty();
                assertThat(panel.path("datasource").path("type").asText()).isEqualTo("prometheus");
            }
        }
    }

    private static boolean hasHelp(String scrape, String name) {
        List<String> families = new ArrayList<>(List.of(name));
        for (String suffix : List.of("_bucket", "_count", "_sum", "_created")) {
            if (name.endsWith(suffix)) {
                families.add(name.substring(0, name.length() - suffix.length()));
            }
        }
        return scrape.lines()
                .anyMatch(l -> families.stream()
                        .anyMatch(f -> l.startsWith("# HELP " + f + " ")
                                && !l.substring(("# HELP " + f + " ").length()).isBlank()));
    }

    private static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> s = Files.list(DASHBOARDS)) {
            List<Path> files =
                    s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(files)
                    .as("dashboards in %s", DASHBOARDS.toAbsolutePath())
                    .hasSizeGreaterThanOrEqualTo(5);
            return files;
        }
    }

    /** Metric name to the label-matcher blocks it is selected with, from every panel's PromQL. */
    private static Map<String, List<String>> dashboardSelectors() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Path p : dashboardFiles()) {
            for (JsonNode panel : Json.parse(Files.readString(p)).path("panels")) {
                for (JsonNode t : panel.path("targets")) {
                    String expr = t.path("expr").asText();
                    assertThat(expr).as(p + ": " + panel.path("title")).isNotBlank();
                    // grouping labels and ranges are not metric names
                    String stripped = expr.replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", " ")
                            .replaceAll("\\[[^]]*]", " ");
                    Matcher m = SELECTOR.matcher(stripped);
                    while (m.find()) {
                        String word = m.group(1);
                        if (PROMQL_WORDS.contains(word)) {
                            continue;
                        }
                        out.computeIfAbsent(word, w -> new ArrayList<>()).add(m.group(2) == null ? "" : m.group(2));
                    }
                }
            }
        }
        return out;
    }

    private String scrapeAfterMix() throws Exception {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Sleeper noWait = d -> {};
        try (var emulator =
                Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build())) {
            var onlineConfig = KeelClientConfig.builder("sk-test-dashboards", emulator.baseUrl())
                    .breaker(new CircuitBreakerConfig(Duration.ofSeconds(30), 5, 0.25, Duration.ofSeconds(20), 1))
                    .build();
            var now = new AtomicLong();
            try (var online = KeelClient.builder(onlineConfig)
                    .meterRegistry(registry)
                    .sleeper(noWait)
                    .ticker(now::get)
                    .build()) {
                // transport: clean calls
                for (int i = 0; i < 3; i++) {
                    online.responses()
                            .create(
                                    Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Hello " + i + "\"}"),
                                    CallOptions.defaults());
                }
                // retry storm: 503s retried until the breaker of /responses opens
                byte[] body = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}".getBytes(StandardCharsets.UTF_8);
                for (int w = 0; w < 10 && registry.find("breaker_state").gauge() == null; w++) {
                    for (int i = 0; i < 6; i++) {
                        catchThrowable(() -> online.execute(
                                HttpCall.postJson("/responses", body).withHeader(Emulator.FAULT_HEADER, "status:503"),
                                CallOptions.defaults()));
                    }
                    now.addAndGet(Duration.ofSeconds(31).toNanos()); // the breaker's next window
                }
                assertThat(registry.find("breaker_state").gauge())
                        .as("the breaker moved")
                        .isNotNull();
                // idempotency: the same tool call twice, the second answered from the store
                var tools = new ExactlyOnceToolExecutor(
                                new MemoryIdempotencyStore(InstantSource.system()),
                                Duration.ofMinutes(15),
                                Duration.ofMinutes(5),
                                Duration.ofMillis(10),
                                noWait)
                        .bindTo(registry);
                var key = IdempotencyKey.of("acme", "refund", "order-1", "refund");
                for (int i = 0; i < 2; i++) {
                    tools.execute(key, Deadline.after(Duration.ofSeconds(5), Ticker.SYSTEM), () -> "refunded");
                }
                assertThat(tools.suppressed()).isEqualTo(1);

                // realtime: tokens through the sidecar's token service, turns, an interrupt, a reconnect
                var tokens = RealtimeTokenRoute.service(online, Map.of("app-dash", "user-1"), 60, registry);
                assertThat(tokens.handle("Bearer app-dash", new byte[0]).status())
                        .isEqualTo(200);
                assertThat(tokens.handle("Bearer wrong", new byte[0]).status()).isEqualTo(401);
                new TokenBroker(
                        new TokenIssuer(online)::issue, TokenRequest.ofDefaults(), InstantSource.system(), registry);
                var realtime = new RealtimeMetrics(registry, Ticker.SYSTEM);
                var segments = new EnumMap<Segment, Duration>(Segment.class);
                for (Segment s : Segment.values()) {
                    segments.put(s, Duration.ofMillis(40L * (s.ordinal() + 1)));
                }
                realtime.record(new TurnLatency(1, segments));
                realtime.interrupt(false);
                realtime.interrupt(true);
                realtime.transportReconnect();
                realtime.illegalTransition();
            }

            // structured: a strict decode, a compat fallback with a missing field and an unknown enum
            var decodes = new DecodeMetrics(registry);
            decodes.decoded(new DecodeEvent(
                    "ticket",
                    "v2",
                    "v2",
                    "v2",
                    DecodeMode.STRICT,
                    List.of(DecodeMode.STRICT),
                    null,
                    List.of(),
                    "gpt-4.1-mini",
                    null,
                    null));
            Reason bad = Reason.of(ReasonKind.SCHEMA_VIOLATION, "priority", "not in enum");
            decodes.decoded(new DecodeEvent(
                    "ticket",
                    "v2",
                    "v2",
                    "v2",
                    DecodeMode.SUMMARY,
                    List.of(DecodeMode.STRICT, DecodeMode.COMPAT, DecodeMode.SUMMARY),
                    bad,
                    List.of(
                            bad,
                            Reason.of(ReasonKind.FIELD_MISSING, "summary", null),
                            Reason.of(ReasonKind.ENUM_UNKNOWN, "priority", "urgent-ish")),
                    "gpt-4.1-mini",
                    null,
                    null));

            // batch: a real run of two chunks on a SQLite ledger, at batch prices, traffic_class=batch
            var batchConfig = KeelClientConfig.builder("sk-test-dashboards", emulator.baseUrl())
                    .trafficClass(TrafficClass.BATCH)
                    .build();
            try (var batch =
                    KeelClient.builder(batchConfig).meterRegistry(registry).build()) {
                var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
                var lines = new ArrayList<String>();
                for (int i = 1; i <= 4; i++) {
                    lines.add("{\"custom_id\":\"item-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                            + "\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"Ticket " + i + "\"}}");
                }
                Path input = Files.write(dir.resolve("in.jsonl"), lines);
                String runId = RunInput.of(input).runId();
                new Planner(PlanConfig.ofDefaults().withMaxItems(2), PriceTable.builtIn(), ledger, Clock.systemUTC())
                        .plan(RunInput.of(input), dir.resolve("runs").resolve(runId));
                new BatchRunner(
                                ledger,
                                batch,
                                PriceTable.builtIn(),
                                ReplayPolicy.ofDefaults(),
                                RunConfig.ofDefaults().withPollInterval(Duration.ofMillis(20)),
                                Clock.systemUTC(),
                                Sleeper.SYSTEM,
                                ProgressListener.NONE)
                        .drive(runId);
            }
        }
        return registry.scrape();
    }
}
