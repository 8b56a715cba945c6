package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TimeoutChain;
import dev.keel.core.TrafficClass;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.wire.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
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
            "  GET /debug/config  the effective configuration as JSON, secrets redacted:",
            "                     config (every key and its source, as 'keel config",
            "                     show --format json') and the structured_output rollout",
            "  GET /healthz       liveness: the process answers; degrade state, error budget",
            "  GET /readyz        readiness: 200 when the upstream accepts connections, not",
            "                     every breaker is open and the configuration loaded; 503",
            "                     with the failing check otherwise",
            "  POST /v1/realtime/token",
            "                     a short-lived Realtime client secret for an app token's",
            "                     user ({value, expires_at, rotate_at}; body: model, voice,",
            "                     instructions, expires_after.seconds 60-300)",
            "  POST /webhooks/openai",
            "                     with --webhook-secret: OpenAI's signed webhooks; a batch.*",
            "                     event makes that batch's chunks in --db due for collection",
            "                     now (keel batch run --webhooks)",
            "The configuration file is checked every serve.reload-interval (2s): a changed",
            "file's live keys (marked * by 'keel config show': in-flight limit, fallback",
            "model, token rate, structured-output rollout) are applied and named on stderr;",
            "other changes need a restart; a file that fails validation is refused and the",
            "running configuration stays."
        })
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

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

    @Option(names = "--port", description = "Port; 0 picks a free one (key serve.port; default: 8787).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (key serve.host; default: 127.0.0.1).")
    String host;

    @Option(
            names = "--schemas",
            paramLabel = "DIR",
            description = "Structured-output schemas folder (<name>/<version>.json) (key structured-output.schemas;"
                    + " default: schemas).")
    java.nio.file.Path schemas;

    @Option(
            names = "--schema",
            paramLabel = "NAME",
            description = "The schema under rollout, when DIR holds several (key structured-output.schema).")
    String schema;

    @Option(
            names = "--app-token",
            paramLabel = "TOKEN=USER",
            description = "An app token allowed to ask for realtime tokens, and its user (repeatable; replaces the"
                    + " file's realtime.app-tokens).")
    java.util.Map<String, String> appTokens;

    @Option(
            names = "--token-rate",
            paramLabel = "N",
            description = "Realtime tokens per user per minute (key realtime.token.per-user-per-minute; default: 10).")
    Integer tokenRate;

    @Option(
            names = "--body-timeout",
            paramLabel = "DURATION",
            description = "How long a client may take to send a request body before it is refused with 408"
                    + " (key serve.body-timeout; default: 10s).")
    String bodyTimeout;

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
            description = "The gateway's port with --gateway-keys; 0 picks a free one (key gateway.port; default:"
                    + " 8788).")
    Integer gatewayPort;

    @Option(
            names = "--webhook-secret",
            paramLabel = "SECRET",
            description = "Accept OpenAI webhooks on POST /webhooks/openai, verified with this whsec_... secret"
                    + " (default: read from OPENAI_WEBHOOK_SECRET; unset: no webhook route).",
            defaultValue = "${env:OPENAI_WEBHOOK_SECRET}")
    String webhookSecret;

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = "The batch ledger a batch webhook makes chunks due in: jdbc:sqlite:FILE or"
                    + " jdbc:postgresql://... (default: ${DEFAULT-VALUE}).")
    String db = "jdbc:sqlite:.keel/keel.db";

    /** Counted down on Ctrl-C (shutdown hook), or by a test, to stop the sidecar. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        logs.apply(env);
        var cfg = config.load(env);
        requireExisting(cfg, Settings.SCHEMAS);
        var live = new AtomicReference<>(cfg);
        var priceTable = PricesOption.table(cfg);
        var settings = new SidecarServer.Settings(
                cfg.get(Settings.SERVE_HOST),
                cfg.get(Settings.SERVE_PORT),
                cfg.get(Settings.SERVE_BODY_TIMEOUT),
                16 * 1024);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var keyDefaults = GatewayCommand.keyDefaults(cfg);
        var keys = gatewayKeys == null ? null : dev.keel.gateway.GatewayKeys.load(gatewayKeys, keyDefaults);
        String source =
                config.file().map(f -> f + ", the environment and flags").orElse("the environment and flags");
        var structured = StructuredSection.start(live::get, source, registry);
        var err = spec.commandLine().getErr();
        try (var up = upstream.resolve(cfg, TrafficClass.ONLINE, env, err);
                var traces = tracing.open(env, "keel-sidecar");
                var client = TracingOptions.installed(
                                traces,
                                KeelClient.builder(up.config())
                                        .meterRegistry(registry)
                                        .priceTable(priceTable),
                                up.config())
                        .build()) {
            var tokens = RealtimeTokenRoute.service(client, cfg, registry);
            var readiness = new Readiness(
                    up.config().baseUrl(),
                    java.time.Duration.ofSeconds(2),
                    java.time.Duration.ofSeconds(5),
                    java.time.InstantSource.system(),
                    client::breakerStates,
                    () -> structured.describe().path("error").textValue());
            dev.keel.batch.ledger.Ledger ledger = null;
            WebhookRoute hooks = null;
            if (webhookSecret != null && !webhookSecret.isBlank()) {
                ledger = new dev.keel.batch.ledger.Ledger(dev.keel.batch.ledger.Database.open(db));
                var l = ledger;
                var clock = java.time.InstantSource.system();
                hooks = new WebhookRoute(webhookSecret, clock, batchId -> l.pollDueNow(batchId, clock.millis()));
            }
            var views = new SidecarServer.Views(
                    registry,
                    registry::scrape,
                    () -> withRealtime(config(client, up.mode()), live.get())
                            .<ObjectNode>set("structured_output", structured.describe())
                            .set("config", ConfigView.json(live.get(), config.file())),
                    () -> health(client),
                    readiness,
                    tokens,
                    hooks);
            var reloads = ServeReload.start(
                    config,
                    cfg,
                    err,
                    next -> ServeReload.apply(live.getAndSet(next), next, client, tokens, structured));
            var server = SidecarServer.start(settings, views);
            var gateway = keys == null ? null : gateway(keys, keyDefaults, up, priceTable, cfg);
            var out = spec.commandLine().getOut();
            out.println("keel sidecar listening on http://" + cfg.get(Settings.SERVE_HOST) + ":" + server.port()
                    + " (/metrics, /debug/config, /healthz, /readyz, POST /v1/realtime/token"
                    + (hooks != null ? ", POST " + WebhookRoute.PATH + " into " + db : "") + ")."
                    + " Ctrl-C stops it.");
            if (gateway != null) {
                out.println("keel gateway listening on " + gateway.baseUrl() + " with " + keys.size() + " key(s) from "
                        + gatewayKeys + " (its metrics on " + gateway.baseUrl().resolve("/metrics") + ").");
            }
            out.flush();
            Thread hook = new Thread(stop::countDown, "keel-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            reloads.close();
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
            dev.keel.gateway.GatewayKeys keys,
            dev.keel.gateway.KeyLimits keyDefaults,
            UpstreamOptions.Upstream up,
            dev.keel.core.cost.PriceTable prices,
            KeelConfig cfg) {
        var settings = GatewayCommand.settings(cfg, cfg.get(Settings.SERVE_HOST));
        return dev.keel.gateway.Gateway.builder(
                        settings,
                        keys,
                        KeelClient.builder(up.config())
                                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                                .priceTable(prices))
                .prices(prices)
                .watchKeys(gatewayKeys, keyDefaults, cfg.get(Settings.GATEWAY_KEYS_RELOAD))
                .start();
    }

    /**
     * A folder that was set (flag, environment or file) must exist; only the default may be absent.
     *
     * @throws IllegalArgumentException naming where it was set and the path
     */
    private static void requireExisting(KeelConfig cfg, dev.keel.config.Setting<java.nio.file.Path> key) {
        java.nio.file.Path path = cfg.get(key);
        if (!cfg.isDefault(key) && !java.nio.file.Files.exists(path)) {
            var o = cfg.origin(key);
            String where = o.kind() == dev.keel.config.Origin.Kind.FLAG ? o.where() : o + ": " + key.key();
            throw new IllegalArgumentException(where + " " + path + ": no such file or folder (" + path.toAbsolutePath()
                    + "); fix the path or leave it out");
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
        out.put("in_flight_limit", client.inFlight().configured());
        out.put("traffic_class", c.trafficClass().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode degrade = out.putObject("degrade");
        degrade.put("window", TimeoutChain.human(c.degrade().window()));
        degrade.put("min_calls", c.degrade().minCalls());
        degrade.put("error_rate", c.degrade().errorRate());
        degrade.put("concurrency_factor", c.degrade().concurrencyFactor());
        degrade.put("fallback_model", client.degrade().config().fallbackModel());
        out.putObject("slo")
                .put("target", c.slo().target())
                .put("period_days", c.slo().period().toDays());
        return out;
    }

    /** The token endpoint's settings: how many app tokens (never their values) and the rate. */
    private static ObjectNode withRealtime(ObjectNode out, KeelConfig cfg) {
        out.putObject("realtime_token")
                .put("app_tokens", cfg.map(Settings.APP_TOKENS).size())
                .put("per_user_per_minute", cfg.get(Settings.TOKEN_RATE));
        return out;
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
