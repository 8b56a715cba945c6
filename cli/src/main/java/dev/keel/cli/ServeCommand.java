package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
final class ServeCommand extends CliCommand implements Callable<Integer> {

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
    java.time.Duration bodyTimeout;

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

    @Override
    public Integer call() throws InterruptedException {
        logs.apply(env);
        var cfg = config.load(env);
        ConfigOption.requireExisting(cfg, Settings.SCHEMAS);
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
        var err = err();
        try (var up = upstream.resolve(cfg, TrafficClass.ONLINE, env, err);
                var traces = TracingOptions.open(cfg, "keel-sidecar");
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
            WebhookRoute hooks = WebhookRoute.intoLedger(webhookSecret, db);
            var views = new SidecarServer.Views(
                    registry,
                    registry::scrape,
                    () -> ServeJson.withRealtime(ServeJson.config(client, up.mode()), live.get())
                            .<ObjectNode>set("structured_output", structured.describe())
                            .set("config", ConfigView.json(live.get(), config.file())),
                    () -> ServeJson.health(client),
                    readiness,
                    tokens,
                    hooks);
            var reloads = ServeReload.start(
                    config,
                    cfg,
                    err,
                    next -> ServeReload.apply(live.getAndSet(next), next, client, tokens, structured));
            var server = SidecarServer.start(settings, views);
            var gateway = keys == null ? null : gateway(keys, keyDefaults, up, priceTable, cfg, traces);
            var out = out();
            out.println("keel sidecar listening on http://" + cfg.get(Settings.SERVE_HOST) + ":" + server.port()
                    + " (/metrics, /debug/config, /healthz, /readyz, POST /v1/realtime/token"
                    + (hooks != null ? ", POST " + WebhookRoute.PATH + " into " + db : "") + ")."
                    + " Ctrl-C stops it.");
            if (gateway != null) {
                out.println("keel gateway listening on " + gateway.baseUrl() + " with " + keys.size() + " key(s) from "
                        + gatewayKeys + " (its metrics on " + gateway.baseUrl().resolve("/metrics") + ").");
            }
            out.flush();
            awaitStop("keel-serve-stop");
            reloads.close();
            if (gateway != null) {
                gateway.close();
            }
            server.close();
        }
        return ExitCodes.OK;
    }

    /**
     * The gateway in this process: its own KeelClient and registry on the sidecar's upstream, state
     * in this process, traced like the sidecar's calls when tracing is on.
     */
    private dev.keel.gateway.Gateway gateway(
            dev.keel.gateway.GatewayKeys keys,
            dev.keel.gateway.KeyLimits keyDefaults,
            UpstreamOptions.Upstream up,
            dev.keel.core.cost.PriceTable prices,
            dev.keel.config.KeelConfig cfg,
            TracingOptions.Tracing traces) {
        var settings = GatewayCommand.settings(cfg, cfg.get(Settings.SERVE_HOST));
        var builder = dev.keel.gateway.Gateway.builder(
                        settings,
                        keys,
                        KeelClient.builder(up.config())
                                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                                .priceTable(prices))
                .prices(prices)
                .watchKeys(gatewayKeys, keyDefaults, cfg.get(Settings.GATEWAY_KEYS_RELOAD));
        if (traces != null) {
            builder.openTelemetry(traces.sdk()); // continues a client's traceparent
        }
        return builder.start();
    }
}
