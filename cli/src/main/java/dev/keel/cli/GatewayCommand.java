package dev.keel.cli;

import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.gateway.Gateway;
import dev.keel.gateway.GatewayKeys;
import dev.keel.gateway.GatewaySettings;
import dev.keel.gateway.KeyLimits;
import dev.keel.gateway.RateLimits;
import dev.keel.gateway.RedisSpendLedger;
import dev.keel.gateway.jdbc.JdbcSpendLedger;
import dev.keel.store.jdbc.JdbcIdempotencyStore;
import dev.keel.store.redis.RedisIdempotencyStore;
import dev.keel.wire.time.Ticker;
import io.lettuce.core.RedisClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel gateway}: the OpenAI-compatible gateway, until Ctrl-C. */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        subcommands = GatewayKeyCommand.class,
        description = {
            "Run keel's OpenAI-compatible gateway until Ctrl-C.",
            "Any OpenAI SDK, in any language, sets its base URL to http://HOST:PORT/v1 and",
            "its API key to a gateway key (keel-...). Every call goes through keel's one",
            "pipeline (deadline, in-flight limit, one retry layer with a budget, breaker,",
            "metrics, cost); the upstream key stays in the gateway.",
            "Routes: POST /v1/responses, GET /v1/responses/{id}, POST /v1/chat/completions,",
            "  POST /v1/embeddings, /v1/files, /v1/batches, GET /v1/models,",
            "  POST /v1/realtime/client_secrets; GET /metrics, /healthz, /debug/config.",
            "Keys file, limits, spend caps and headers: docs/gateway.md."
        })
final class GatewayCommand extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    UpstreamOptions upstream;

    @Mixin
    PricesOption prices;

    @Mixin
    LogOptions logs;

    @Mixin
    TracingOptions tracing;

    // Each option sets a key of the gateway section (docs/configuration.md); the fields are not read:
    // a flag given on the command line is one layer of the configuration model, above keel.yaml.
    @Option(
            names = "--keys",
            paramLabel = "FILE",
            description = "The gateway keys file (JSON; 'keel gateway key' makes an entry); required (key"
                    + " gateway.keys). Edits are applied while it runs; a bad edit is refused and logged.")
    Path keys;

    @Option(names = "--port", description = "Port; 0 picks a free one (key gateway.port; default: 8788).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (key gateway.host; default: 127.0.0.1).")
    String host;

    @Option(
            names = "--max-body",
            paramLabel = "SIZE",
            description = "Largest request body accepted, e.g. 8MB; larger ones get 413 before they are read"
                    + " (key gateway.max-body; default: 32MB).")
    String maxBody;

    @Option(
            names = "--body-timeout",
            paramLabel = "DURATION",
            description = "How long a client may take to send its body before 408 (key gateway.body-timeout;"
                    + " default: 10s).")
    java.time.Duration bodyTimeout;

    @Option(
            names = "--default-output-tokens",
            paramLabel = "N",
            description = "Output bound assumed for token limits and spend caps when a request sets none"
                    + " (key gateway.default-output-tokens; default: 4096).")
    Integer defaultOutputTokens;

    @Option(
            names = "--redis",
            paramLabel = "URL",
            description = "Share rate limits, spend and Idempotency-Key records with other gateway processes"
                    + " through this Redis, e.g. redis://127.0.0.1:6379 (key gateway.redis).")
    String redis;

    @Option(
            names = "--jdbc",
            paramLabel = "URL",
            description = "Keep spend and Idempotency-Key records in this database instead (PostgreSQL for"
                    + " several processes, e.g. jdbc:postgresql://db/keel?user=keel); rate limits need --redis"
                    + " (key gateway.jdbc).")
    String jdbc;

    @Override
    public Integer call() throws InterruptedException {
        logs.apply(env);
        var cfg = config.load(env);
        Path keysFile = cfg.get(Settings.GATEWAY_KEYS);
        if (keysFile == null) {
            throw new IllegalArgumentException("keel gateway needs --keys FILE (key gateway.keys), the gateway keys"
                    + " file; make an entry with 'keel gateway key --id NAME' (see docs/gateway.md)");
        }
        KeyLimits defaults = keyDefaults(cfg);
        GatewayKeys loaded = GatewayKeys.load(keysFile, defaults);
        var settings = settings(cfg, cfg.get(Settings.GATEWAY_HOST));
        String redisUrl = cfg.get(Settings.GATEWAY_REDIS);
        String jdbcUrl = cfg.get(Settings.GATEWAY_JDBC);
        var priceTable = PricesOption.table(cfg);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisClient redisClient = redisUrl == null ? null : RedisClient.create(redisUrl);
        try (var up = upstream.resolve(cfg, dev.keel.core.TrafficClass.ONLINE, env, err());
                var traces = TracingOptions.open(cfg, "keel-gateway")) {
            var builder = Gateway.builder(
                            settings,
                            loaded,
                            KeelClient.builder(up.config())
                                    .meterRegistry(registry)
                                    .priceTable(priceTable))
                    .prices(priceTable)
                    .upstreamView(() -> upstreamView(up))
                    .watchKeys(keysFile, defaults, cfg.get(Settings.GATEWAY_KEYS_RELOAD));
            if (traces != null) {
                builder.openTelemetry(traces.sdk()); // continues a client's traceparent
            }
            shared(builder, redisClient, jdbcUrl);
            try (var gateway = builder.start()) {
                var out = out();
                out.println("keel gateway listening on " + gateway.baseUrl() + " with " + loaded.size()
                        + " key(s) from " + keysFile + (redisUrl != null ? ", sharing state through Redis" : "")
                        + (jdbcUrl != null ? ", spend in " + jdbcLabel(jdbcUrl) : "") + ". Ctrl-C stops it.");
                out.flush();
                awaitStop("keel-gateway-stop");
            }
        } finally {
            if (redisClient != null) {
                redisClient.shutdown();
            }
        }
        return ExitCodes.OK;
    }

    /** The gateway section of the configuration as the server's settings, bound to {@code host}. */
    static GatewaySettings settings(KeelConfig cfg, String host) {
        return new GatewaySettings(
                host,
                cfg.get(Settings.GATEWAY_PORT),
                Math.toIntExact(cfg.get(Settings.GATEWAY_MAX_BODY)),
                cfg.get(Settings.GATEWAY_BODY_TIMEOUT),
                cfg.get(Settings.GATEWAY_OUTPUT_TOKENS),
                cfg.get(Settings.GATEWAY_IDEMPOTENCY_WAIT),
                cfg.get(Settings.GATEWAY_WORKER_THREADS));
    }

    /** The limits of a key that leaves one out of the keys file ({@code gateway.key-defaults.*}). */
    static KeyLimits keyDefaults(KeelConfig cfg) {
        Double daily = cfg.get(Settings.GATEWAY_KEY_DAILY);
        Double monthly = cfg.get(Settings.GATEWAY_KEY_MONTHLY);
        return new KeyLimits(
                cfg.get(Settings.GATEWAY_KEY_RPM),
                cfg.get(Settings.GATEWAY_KEY_TPM),
                cfg.get(Settings.GATEWAY_KEY_CONCURRENCY),
                daily == null ? null : BigDecimal.valueOf(daily),
                monthly == null ? null : BigDecimal.valueOf(monthly),
                cfg.get(Settings.GATEWAY_REFUSE_NESTED));
    }

    private static void shared(Gateway.Builder builder, RedisClient redisClient, String jdbcUrl) {
        if (redisClient != null) {
            var commands = redisClient.connect().sync();
            builder.rateLimits(RateLimits.redis(redisClient, "keel:gw:rate:"))
                    .spendLedger(new RedisSpendLedger(commands, "keel:gw:"))
                    .idempotency(new RedisIdempotencyStore(commands, "keel:gw:idem:"));
        }
        if (jdbcUrl != null) {
            var ds = new org.postgresql.ds.PGSimpleDataSource();
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--jdbc '" + jdbcLabel(jdbcUrl)
                        + "': only PostgreSQL URLs (jdbc:postgresql://...) are supported");
            }
            ds.setURL(jdbcUrl);
            builder.spendLedger(new JdbcSpendLedger(ds, 16))
                    .idempotency(new JdbcIdempotencyStore(ds, Clock.systemUTC()));
        }
        if (redisClient == null) {
            builder.rateLimits(RateLimits.local(Ticker.SYSTEM));
        }
    }

    /** The upstream as {@code /debug/config} shows it: the key only as a fingerprint. */
    private static com.fasterxml.jackson.databind.node.ObjectNode upstreamView(UpstreamOptions.Upstream up) {
        var c = up.config();
        var o = dev.keel.wire.json.Json.object();
        o.put("mode", up.mode().name().toLowerCase(java.util.Locale.ROOT));
        o.put("base_url", c.baseUrl().toString());
        o.put("api_key", c.redactedKey());
        o.put("organization", c.organization());
        o.put("project", c.project());
        o.put("business_timeout", dev.keel.core.TimeoutChain.human(c.businessTimeout()));
        o.put("per_call_timeout", dev.keel.core.TimeoutChain.human(c.perCallTimeout()));
        o.put("in_flight_limit", c.inFlightLimit());
        return o;
    }

    /** The JDBC URL without its query (which may carry a password). */
    private static String jdbcLabel(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
