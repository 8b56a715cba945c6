package dev.keel.cli;

import dev.keel.core.KeelClient;
import dev.keel.gateway.Gateway;
import dev.keel.gateway.GatewayKeys;
import dev.keel.gateway.GatewaySettings;
import dev.keel.gateway.RateLimits;
import dev.keel.gateway.RedisSpendLedger;
import dev.keel.gateway.jdbc.JdbcSpendLedger;
import dev.keel.store.jdbc.JdbcIdempotencyStore;
import dev.keel.store.redis.RedisIdempotencyStore;
import dev.keel.wire.time.Ticker;
import io.lettuce.core.RedisClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

    @Option(
            names = "--keys",
            paramLabel = "FILE",
            description = "The gateway keys file (JSON; 'keel gateway key' makes an entry); required.")
    Path keys;

    @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8788;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(
            names = "--max-body",
            paramLabel = "BYTES",
            description = "Largest request body accepted; larger ones get 413 before they are read"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxBody = 32 * 1024 * 1024;

    @Option(
            names = "--body-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description = "How long a client may take to send its body before 408 (default: ${DEFAULT-VALUE}).")
    java.time.Duration bodyTimeout;

    @Option(
            names = "--default-output-tokens",
            paramLabel = "N",
            description = "Output bound assumed for token limits and spend caps when a request sets none"
                    + " (default: ${DEFAULT-VALUE}).")
    int defaultOutputTokens = 4096;

    @Option(
            names = "--redis",
            paramLabel = "URL",
            description = "Share rate limits, spend and Idempotency-Key records with other gateway processes"
                    + " through this Redis (e.g. redis://127.0.0.1:6379).")
    String redis;

    @Option(
            names = "--jdbc",
            paramLabel = "URL",
            description = "Keep spend and Idempotency-Key records in this database instead (PostgreSQL for"
                    + " several processes, e.g. jdbc:postgresql://db/keel?user=keel); rate limits need --redis.")
    String jdbc;

    @Override
    public Integer call() throws InterruptedException {
        logs.apply(env);
        if (keys == null) {
            throw new IllegalArgumentException("keel gateway needs --keys FILE, the gateway keys file;"
                    + " make an entry with 'keel gateway key --id NAME' (see docs/gateway.md)");
        }
        GatewayKeys loaded = GatewayKeys.load(keys);
        var settings = new GatewaySettings(
                host,
                port,
                maxBody,
                bodyTimeout,
                defaultOutputTokens,
                GatewaySettings.ofDefaults().idempotencyWait());
        var cfg = config.load(env);
        var priceTable = PricesOption.table(cfg);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisClient redisClient = redis == null ? null : RedisClient.create(redis);
        try (var up = upstream.resolve(cfg, dev.keel.core.TrafficClass.ONLINE, env, err())) {
            var builder = Gateway.builder(
                            settings,
                            loaded,
                            KeelClient.builder(up.config())
                                    .meterRegistry(registry)
                                    .priceTable(priceTable))
                    .prices(priceTable)
                    .upstreamView(() -> upstreamView(up));
            shared(builder, redisClient);
            try (var gateway = builder.start()) {
                var out = out();
                out.println("keel gateway listening on " + gateway.baseUrl() + " with " + loaded.size()
                        + " key(s) from " + keys + (redis != null ? ", sharing state through Redis" : "")
                        + (jdbc != null ? ", spend in " + jdbcLabel() : "") + ". Ctrl-C stops it.");
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

    private void shared(Gateway.Builder builder, RedisClient redisClient) {
        if (redisClient != null) {
            var commands = redisClient.connect().sync();
            builder.rateLimits(RateLimits.redis(redisClient, "keel:gw:rate:"))
                    .spendLedger(new RedisSpendLedger(commands, "keel:gw:"))
                    .idempotency(new RedisIdempotencyStore(commands, "keel:gw:idem:"));
        }
        if (jdbc != null) {
            var ds = new org.postgresql.ds.PGSimpleDataSource();
            if (!jdbc.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException(
                        "--jdbc '" + jdbcLabel() + "': only PostgreSQL URLs (jdbc:postgresql://...) are supported");
            }
            ds.setURL(jdbc);
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
    private String jdbcLabel() {
        int q = jdbc.indexOf('?');
        return q < 0 ? jdbc : jdbc.substring(0, q) + "?…";
    }
}
