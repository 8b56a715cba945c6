package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TimeoutChain;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.wire.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keel serve}: the sidecar, exposing metrics, the effective configuration and health. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the keel sidecar (metrics, health, readiness, realtime tokens) until Ctrl-C.",
            "Routes:",
            "  GET /metrics       Prometheus text (openai_requests_total, ...)",
            "  GET /debug/config  the effective configuration as JSON, secrets redacted,",
            "                     with the structured_output rollout (keel.yaml and",
            "                     STRUCTURED_OUTPUT_* variables)",
            "  GET /healthz       liveness: the process answers; degrade state, error budget",
            "  GET /readyz        readiness: 200 when the upstream accepts connections, not",
            "                     every breaker is open and the configuration loaded; 503",
            "                     with the failing check otherwise",
            "  POST /v1/realtime/token",
            "                     a short-lived Realtime client secret for an app token's",
            "                     user ({value, expires_at, rotate_at}; body: model, voice,",
            "                     instructions, expires_after.seconds 60-300)"
        })
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    UpstreamOptions upstream;

    @Mixin
    PricesOption prices;

    @Mixin
    TracingOptions tracing;

    @Mixin
    LogOptions logs;

    /** The environment the upstream is read from; tests replace it. */
    java.util.Map<String, String> env = System.getenv();

    @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8787;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "keel.yaml with a structured_output section, re-read while running (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path configFile = java.nio.file.Path.of("keel.yaml");

    @Option(
            names = "--schemas",
            paramLabel = "DIR",
            description = "Structured-output schemas folder (<name>/<version>.json) (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path schemas = java.nio.file.Path.of("schemas");

    @Option(names = "--schema", paramLabel = "NAME", description = "The schema under rollout, when DIR holds several.")
    String schema;

    @Option(
            names = "--app-token",
            paramLabel = "TOKEN=USER",
            description = "An app token allowed to ask for realtime tokens, and its user (repeatable).")
    java.util.Map<String, String> appTokens = new java.util.LinkedHashMap<>();

    @Option(
            names = "--token-rate",
            paramLabel = "N",
            description = "Realtime tokens per user per minute (default: ${DEFAULT-VALUE}).")
    int tokenRate = 10;

    @Option(
            names = "--body-timeout",
            paramLabel = "DURATION",
            description = "How long a client may take to send a request body before it is refused with 408"
                    + " (default: ${DEFAULT-VALUE}).")
    String bodyTimeout = "10s";

    @Option(
            names = "--gateway-keys",
            paramLabel = "FILE",
            description = "Also run keel gateway in this process, with this keys file, on --gateway-port"
                    + " (limits, spend and Idempotency-Key records kept in this process; 'keel gateway'"
                    + " shares them through Redis or PostgreSQL).")
    java.nio.file.Path gatewayKeys;

    @Option(
            names = "--gateway-port",
            paramLabel = "PORT",
            description = "The gateway's port with --gateway-keys; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int gatewayPort = 8788;

    /** Counted down on Ctrl-C (shutdown hook), or by a test, to stop the sidecar. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        logs.apply(env);
        requireIfNamed("--config", configFile);
        requireIfNamed("--schemas", schemas);
        var priceTable = prices.table();
        var settings = new SidecarServer.Settings(
                host, port, UpstreamOptions.duration("--body-timeout", bodyTimeout), 16 * 1024);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var keys = gatewayKeys == null ? null : dev.keel.gateway.GatewayKeys.load(gatewayKeys);
        var structured = StructuredSection.start(env, configFile, schemas, schema, registry);
        try (var up = upstream.resolve(env, spec.commandLine().getErr());
                var traces = tracing.open(env, "keel-sidecar");
                var client = TracingOptions.installed(
                                traces,
                                KeelClient.builder(up.config())
                                        .meterRegistry(registry)
                                        .priceTable(priceTable),
                                up.config())
                        .build()) {
            var tokens = RealtimeTokenRoute.service(client, appTokens, tokenRate, registry);
            var readiness = new Readiness(
                    up.config().baseUrl(),
                    java.time.Duration.ofSeconds(2),
                    java.time.Duration.ofSeconds(5),
                    java.time.InstantSource.system(),
                    client::breakerStates,
                    () -> structured.describe().path("error").textValue());
            var views = new SidecarServer.Views(
                    registry,
                    registry::scrape,
                    () -> withRealtime(config(client, up.mode()).set("structured_output", structured.describe())),
                    () -> health(client),
                    readiness,
                    tokens);
            var server = SidecarServer.start(settings, views);
            var gateway = keys == null ? null : gateway(keys, up, priceTable);
            var out = spec.commandLine().getOut();
            out.println("keel sidecar listening on http://" + host + ":" + server.port()
                    + " (/metrics, /debug/config, /healthz, /readyz, POST /v1/realtime/token)." + " Ctrl-C stops it.");
            if (gateway != null) {
                out.println("keel gateway listening on " + gateway.baseUrl() + " with " + keys.size() + " key(s) from "
                        + gatewayKeys + " (its metrics on " + gateway.baseUrl().resolve("/metrics") + ").");
            }
            out.flush();
            Thread hook = new Thread(stop::countDown, "keel-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            if (gateway != null) {
                gateway.close();
            }
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook has run
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The gateway in this process: its own KeelClient and registry on the sidecar's upstream, state
     * in this process.
     */
    private dev.keel.gateway.Gateway gateway(
            dev.keel.gateway.GatewayKeys keys, UpstreamOptions.Upstream up, dev.keel.core.cost.PriceTable prices) {
        var settings =
                dev.keel.gateway.GatewaySettings.ofDefaults().withHost(host).withPort(gatewayPort);
        return dev.keel.gateway.Gateway.builder(
                        settings,
                        keys,
                        KeelClient.builder(up.config())
                                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                                .priceTable(prices))
                .prices(prices)
                .start();
    }

    /**
     * A file or folder named on the command line must exist; only the defaults may be absent.
     *
     * @throws IllegalArgumentException naming the option and the path
     */
    private void requireIfNamed(String option, java.nio.file.Path path) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option) && !java.nio.file.Files.exists(path)) {
            throw new IllegalArgumentException(option + " " + path + ": no such file or folder ("
                    + path.toAbsolutePath() + "); fix the path or leave the option out");
        }
    }

    /** The effective configuration; the API key only as a fingerprint. */
    static ObjectNode config(KeelClient client, UpstreamOptions.Mode mode) {
        KeelClientConfig c = client.config();
        ObjectNode out = Json.object();
        ObjectNode upstream = out.putObject("upstream");
        upstream.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        upstream.put("base_url", c.baseUrl().toString());
        upstream.put("api_key", c.redactedKey());
        upstream.put("organization", c.organization());
        upstream.put("project", c.project());
        ObjectNode t = out.putObject("timeouts");
        t.put("business", TimeoutChain.human(c.businessTimeout()));
        t.put("per_call", TimeoutChain.human(c.perCallTimeout()));
        t.put("connect", TimeoutChain.human(c.pool().connectTimeout()));
        ObjectNode pool = out.putObject("pool");
        pool.put("max_connections_per_destination", c.pool().maxConnectionsPerDestination());
        pool.put("idle_timeout", TimeoutChain.human(c.pool().idleTimeout()));
        pool.put("http2", c.pool().http2());
        pool.put("h2c", c.pool().h2c());
        out.put("in_flight_limit", c.inFlightLimit());
        out.put("traffic_class", c.trafficClass().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode degrade = out.putObject("degrade");
        degrade.put("window", TimeoutChain.human(c.degrade().window()));
        degrade.put("min_calls", c.degrade().minCalls());
        degrade.put("error_rate", c.degrade().errorRate());
        degrade.put("concurrency_factor", c.degrade().concurrencyFactor());
        degrade.put("fallback_model", c.degrade().fallbackModel());
        out.putObject("slo")
                .put("target", c.slo().target())
                .put("period_days", c.slo().period().toDays());
        return out;
    }

    /** The token endpoint's settings: how many app tokens (never their values) and the rate. */
    private ObjectNode withRealtime(ObjectNode config) {
        config.putObject("realtime_token").put("app_tokens", appTokens.size()).put("per_user_per_minute", tokenRate);
        return config;
    }

    static ObjectNode health(KeelClient client) {
        ErrorBudget.Status budget = client.errorBudget().status();
        ObjectNode out = Json.object();
        out.put("status", "ok");
        out.put("degrade", client.degrade().state().name().toLowerCase(java.util.Locale.ROOT));
        out.put("in_flight", client.inFlight().inUse());
        ObjectNode b = out.putObject("error_budget");
        b.put("page", budget.page());
        b.put("ticket", budget.ticket());
        b.put("remaining", budget.budgetRemaining());
        budget.burnRates().forEach((w, rate) -> b.put("burn_rate_" + w.label(), rate));
        return out;
    }
}
