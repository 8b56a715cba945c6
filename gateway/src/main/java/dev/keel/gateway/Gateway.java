package dev.keel.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.time.Sleeper;
import dev.keel.core.trace.KeelTracing;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * keel's OpenAI-compatible gateway, started on its own port: OpenAI's paths for clients in any
 * language, each call authenticated with a gateway key, held to the key's limits and forwarded
 * through keel's one pipeline. It owns the {@link KeelClient} it builds (adding the listener that
 * tells it when the upstream is failing) and closes it with {@link #close()}.
 *
 * <pre>{@code
 * try (var gateway = Gateway.builder(GatewaySettings.ofDefaults(), GatewayKeys.load(Path.of("keys.json")),
 *         KeelClient.builder(config).meterRegistry(registry)).start()) {
 *     // clients use base URL http://127.0.0.1:8788/v1 and a keel-... key
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class Gateway implements AutoCloseable {

    /** What the forwarder works with; assembled by the builder. */
    record Parts(
            KeelClient client,
            AtomicReference<GatewayKeys> keys,
            GatewaySettings settings,
            RateLimits rates,
            SpendCaps caps,
            IdempotencyStore idempotency,
            Sleeper sleeper,
            TextMapPropagator propagator) {}

    private final Parts parts;
    private final GatewayServer server;
    private final KeysFileWatcher watcher;

    private Gateway(Parts parts, GatewayServer server, KeysFileWatcher watcher) {
        this.parts = parts;
        this.server = server;
        this.watcher = watcher;
    }

    public static Builder builder(GatewaySettings settings, GatewayKeys keys, KeelClient.Builder client) {
        return new Builder(settings, keys, client);
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** {@code http://host:port/v1}: what clients use as their base URL. */
    public java.net.URI baseUrl() {
        return java.net.URI.create("http://" + parts.settings().host() + ":" + port() + "/v1");
    }

    public KeelClient client() {
        return parts.client();
    }

    /** The keys in force: those it started with, or the last good edit of the watched keys file. */
    public GatewayKeys keys() {
        return parts.keys().get();
    }

    /**
     * Why the last edit of the watched keys file was refused (its {@code file:line} message), while
     * the file still holds it; empty when the file's content is in force or no file is watched.
     */
    public Optional<String> keysFileProblem() {
        return watcher == null ? Optional.empty() : watcher.problem();
    }

    /** The spend counters, e.g. to read what a key has spent today. */
    public SpendLedger spendLedger() {
        return parts.caps().ledger();
    }

    /** Stops listening, then closes the client and the shared stores it was given. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        server.close();
        parts.client().close();
        parts.rates().close();
        parts.caps().ledger().close();
    }

    /** Builder for {@link Gateway}; not thread-safe. */
    public static final class Builder {
        private final GatewaySettings settings;
        private final GatewayKeys keys;
        private final KeelClient.Builder client;
        private Ticker ticker = Ticker.SYSTEM;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private RateLimits rates;
        private SpendLedger ledger;
        private PriceTable prices = PriceTable.builtIn();
        private IdempotencyStore idempotency;
        private Supplier<ObjectNode> upstreamView;
        private Path keysFile;
        private KeyLimits keyDefaults = KeyLimits.NONE;
        private Duration keysReload;
        private OpenTelemetry otel;

        private Builder(GatewaySettings settings, GatewayKeys keys, KeelClient.Builder client) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.keys = Objects.requireNonNull(keys, "keys");
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The monotonic clock of the local buckets and the strain window. */
        public Builder ticker(Ticker t) {
            ticker = t;
            return this;
        }

        /** The wall clock that names spend periods (UTC days and months). */
        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        /** How a duplicate Idempotency-Key call waits between looks at the store. */
        public Builder sleeper(Sleeper s) {
            sleeper = s;
            return this;
        }

        /** Where the rate-limit buckets live; default this process ({@link RateLimits#local}). */
        public Builder rateLimits(RateLimits r) {
            rates = r;
            return this;
        }

        /** Where spend is counted; default this process ({@link MemorySpendLedger}). */
        public Builder spendLedger(SpendLedger l) {
            ledger = l;
            return this;
        }

        /** The prices of the spend caps; default {@link PriceTable#builtIn()}. */
        public Builder prices(PriceTable p) {
            prices = p;
            return this;
        }

        /** Where Idempotency-Key records live; default this process's memory. */
        public Builder idempotency(IdempotencyStore s) {
            idempotency = s;
            return this;
        }

        /**
         * The upstream part of {@code /debug/config} (already redacted by the caller); default the
         * client's base URL and its key's fingerprint.
         */
        public Builder upstreamView(Supplier<ObjectNode> view) {
            upstreamView = view;
            return this;
        }

        /**
         * Watches {@code file} (the keys file the keys were loaded from, with {@code defaults}) every
         * {@code interval} and applies its edits while the gateway runs; an edit that fails the file's
         * checks is refused and logged, and the keys in force stay.
         */
        public Builder watchKeys(Path file, KeyLimits defaults, Duration interval) {
            keysFile = Objects.requireNonNull(file, "file");
            keyDefaults = Objects.requireNonNull(defaults, "defaults");
            keysReload = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Traces every forwarded call with {@code otel} (its tracer, sampler and propagators): installs
         * {@link KeelTracing} on the client, and makes the context a client's request carries (W3C
         * {@code traceparent}/{@code tracestate} with the usual propagator) the parent of the call's
         * span, so the gateway continues the client's trace and the upstream's {@code traceparent}
         * names keel's attempt in that trace; a request without one starts a new trace. The client's
         * own propagation headers are then not forwarded as they came. Default: no tracing, and the
         * client's headers are forwarded untouched. Do not install {@code KeelTracing} on the client
         * builder as well.
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            otel = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /** Builds the client, starts listening and returns once it does. */
        public Gateway start() {
            var strain = new UpstreamStrain(ticker, Duration.ofSeconds(10));
            if (otel != null) {
                client.listener(KeelTracing.listener(otel, client.config().baseUrl()));
            }
            KeelClient built = client.listener(strain).build();
            var parts = new Parts(
                    built,
                    new AtomicReference<>(keys),
                    settings,
                    rates != null ? rates : RateLimits.local(ticker),
                    new SpendCaps(
                            ledger != null ? ledger : new MemorySpendLedger(),
                            prices,
                            clock,
                            settings.defaultOutputTokens()),
                    idempotency != null ? idempotency : new MemoryIdempotencyStore(clock),
                    sleeper,
                    otel == null ? null : otel.getPropagators().getTextMapPropagator());
            var metrics = new GatewayMetrics(built.meterRegistry());
            Supplier<ObjectNode> upstream = upstreamView != null
                    ? upstreamView
                    : () -> Json.object()
                            .put("base_url", built.config().baseUrl().toString())
                            .put("api_key", built.config().redactedKey());
            var forwarder = new Forwarder(parts, strain, metrics);
            Supplier<String> text = built.meterRegistry() instanceof PrometheusMeterRegistry p
                    ? p::scrape
                    : () -> "# the gateway's meter registry is not a Prometheus one\n";
            try {
                var server = GatewayServer.start(settings, forwarder, text, () -> debugConfig(parts, upstream.get()));
                KeysFileWatcher watcher =
                        keysFile == null ? null : new KeysFileWatcher(keysFile, keyDefaults, parts.keys(), keysReload);
                return new Gateway(parts, server, watcher);
            } catch (RuntimeException e) {
                built.close();
                throw e;
            }
        }

        private static ObjectNode debugConfig(Parts p, ObjectNode upstream) {
            ObjectNode out = Json.object();
            out.set("upstream", upstream);
            ObjectNode s = out.putObject("gateway");
            s.put("host", p.settings().host());
            s.put("max_body_bytes", p.settings().maxBodyBytes());
            s.put("body_timeout_ms", p.settings().bodyTimeout().toMillis());
            s.put("default_output_tokens", p.settings().defaultOutputTokens());
            s.put("idempotency_wait_ms", p.settings().idempotencyWait().toMillis());
            s.put("worker_threads", p.settings().workerThreads());
            s.put("spend_ledger", p.caps().ledger().getClass().getSimpleName());
            s.put("idempotency_store", p.idempotency().getClass().getSimpleName());
            ArrayNode keys = out.putArray("keys");
            for (GatewayKey k : p.keys().get().all()) {
                ObjectNode o = keys.addObject();
                o.put("id", k.id()).put("team", k.team()).put("user", k.user()).put("revoked", k.revoked());
                KeyLimits l = k.limits();
                o.put("requests_per_minute", l.requestsPerMinute());
                o.put("tokens_per_minute", l.tokensPerMinute());
                o.put("concurrency", l.concurrency());
                o.put("daily_usd", l.dailyUsd() == null ? null : l.dailyUsd().toPlainString());
                o.put(
                        "monthly_usd",
                        l.monthlyUsd() == null ? null : l.monthlyUsd().toPlainString());
                o.put("refuse_nested_retries", l.refuseNestedRetries());
            }
            return out;
        }
    }
}
