package dev.keel.core;

import dev.keel.core.api.Batches;
import dev.keel.core.api.Caller;
import dev.keel.core.api.Files;
import dev.keel.core.api.Responses;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.fallback.Fallback;
import dev.keel.core.fallback.FallbackHandler;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.internal.http.JettyTransport;
import dev.keel.core.internal.pipeline.Pipeline;
import dev.keel.core.metrics.CostMetrics;
import dev.keel.core.metrics.GenAiMetrics;
import dev.keel.core.metrics.TransportMetrics;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.policy.InFlightLimit;
import dev.keel.core.policy.RetryBudget;
import dev.keel.core.policy.RetryPolicy;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.core.slo.OutcomeRecorder;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The one client a service keeps per upstream and traffic class: pooled HTTP/2, the call pipeline
 * with its budgets and limits, metrics, the degrade signal and the error budget. Endpoints are thin
 * JSON-in/JSON-out views over it.
 *
 * <pre>{@code
 * try (var client = KeelClient.builder(KeelClientConfig.fromEnvironment(System.getenv()).build()).build()) {
 *     JsonNode r = client.responses().create(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}"),
 *             CallOptions.defaults()).json();
 * }
 * }</pre>
 *
 * Thread-safe; share one instance. {@link #close()} closes its connections.
 */
public final class KeelClient implements Caller, AutoCloseable {

    private final KeelClientConfig config;
    private final JettyTransport transport;
    private final Pipeline pipeline;
    private final InFlightLimit inFlight;
    private final DegradeSignal degrade;
    private final ErrorBudget errorBudget;
    private final MeterRegistry registry;
    private final CostMetrics cost;

    private KeelClient(Builder b) {
        this.config = b.config;
        this.registry = b.registry;
        this.inFlight = new InFlightLimit(config.inFlightLimit());
        this.degrade = new DegradeSignal(config.degrade(), b.ticker);
        this.errorBudget = new ErrorBudget(config.slo(), b.ticker);
        this.transport = new JettyTransport(config.baseUrl(), config.pool(), b.ticker);
        String traffic = config.trafficClass().name().toLowerCase(java.util.Locale.ROOT);
        var listeners = new ArrayList<EventListener>();
        listeners.add(new OutcomeRecorder(degrade, errorBudget));
        listeners.add(new TransportMetrics(registry, traffic, inFlight, errorBudget, degrade));
        PriceTable prices = b.prices != null ? b.prices : PriceTable.builtIn();
        this.cost = new CostMetrics(registry, traffic, prices);
        listeners.add(cost);
        listeners.add(new GenAiMetrics(registry, traffic, prices, config.baseUrl()));
        listeners.addAll(b.listeners);
        EventListener listener = EventListener.of(listeners);
        degrade.onChange(state -> reactToDegrade(state, listener));
        this.pipeline = Pipeline.builtIn(new Pipeline.Parts(
                transport,
                identityHeaders(config),
                config.businessTimeout(),
                config.perCallTimeout(),
                inFlight,
                degrade,
                new RetryPolicy(config.retry()),
                new RetryBudget(config.retryBudget(), b.ticker),
                config.breaker(),
                new Fallback(config.fallback(), b.fallbacks, b.ticker),
                b.sleeper,
                b.random,
                listener,
                b.ticker,
                b.clock));
    }

    public static Builder builder(KeelClientConfig config) {
        return new Builder(config);
    }

    private static Map<String, String> identityHeaders(KeelClientConfig c) {
        var h = new LinkedHashMap<String, String>();
        h.put("Authorization", "Bearer " + c.apiKey());
        if (c.organization() != null) {
            h.put("OpenAI-Organization", c.organization());
        }
        if (c.project() != null) {
            h.put("OpenAI-Project", c.project());
        }
        return h;
    }

    private synchronized void reactToDegrade(DegradeSignal.State state, EventListener listener) {
        inFlight.setLimit(limitFor(state, inFlight.configured()));
        listener.degradeChanged(state);
    }

    private int limitFor(DegradeSignal.State state, int configured) {
        return state == DegradeSignal.State.DEGRADED
                ? Math.max(1, (int) Math.floor(configured * config.degrade().concurrencyFactor()))
                : configured;
    }

    /**
     * Changes the in-flight limit while running (a reloaded configuration); while degraded the new
     * limit is scaled down as the degrade reaction does. Calls in flight keep their permits.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public synchronized void setInFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + limit);
        }
        inFlight.reconfigure(limit, limitFor(degrade.state(), limit));
    }

    /** Changes the model degraded calls go to while running (null keeps each call's model). */
    public void setFallbackModel(String model) {
        degrade.setFallbackModel(model);
    }

    /**
     * Runs one call through the pipeline: the low-level door the endpoint views use.
     *
     * @throws IllegalArgumentException when the call's traffic class is not this client's
     * @throws dev.keel.core.error.KeelException for every failure
     */
    @Override
    public HttpResult execute(HttpCall call, CallOptions options) {
        if (options.trafficClass() != config.trafficClass()) {
            throw new IllegalArgumentException(
                    "this client carries " + config.trafficClass() + " traffic; use a separate" + " client for "
                            + options.trafficClass() + " calls so they never share limits or quota");
        }
        return pipeline.execute(call, options);
    }

    public Responses responses() {
        return new Responses(this);
    }

    public Files files() {
        return new Files(this);
    }

    public Batches batches() {
        return new Batches(this);
    }

    /** The Realtime API's REST side: {@code realtime().clientSecrets()}. */
    public Realtime realtime() {
        return new Realtime(this);
    }

    public KeelClientConfig config() {
        return config;
    }

    /** The degrade signal: read {@code state()} or subscribe with {@code onChange}. */
    public DegradeSignal degrade() {
        return degrade;
    }

    public ErrorBudget errorBudget() {
        return errorBudget;
    }

    /**
     * The circuit breakers made so far, by name ({@code POST <base>/responses gpt-4.1-mini}), with
     * their state now; routes never called have none yet (closed).
     */
    public Map<String, dev.keel.core.policy.CircuitBreaker.State> breakerStates() {
        return pipeline.breakerStates();
    }

    public InFlightLimit inFlight() {
        return inFlight;
    }

    public MeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * The meter behind {@code cost_usd_total}: it prices this client's own generations; work priced
     * elsewhere (Batch API results, when the batch pipeline collects them) is added with {@link
     * CostMetrics#recordBatch}.
     */
    public CostMetrics costMetrics() {
        return cost;
    }

    /** Connections open to the upstream now. */
    public int openConnections() {
        return transport.openConnections();
    }

    @Override
    public void close() {
        transport.close();
    }

    /** Builder for {@link KeelClient}; not thread-safe. */
    public static final class Builder {
        private final KeelClientConfig config;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Ticker ticker = Ticker.SYSTEM;
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private RandomGenerator random = new SplittableRandom();
        private final List<EventListener> listeners = new ArrayList<>();
        private final List<FallbackHandler> fallbacks = new ArrayList<>();
        private PriceTable prices;

        private Builder(KeelClientConfig config) {
            this.config = config;
        }

        /** The configuration the client is built with (e.g. its base URL, for a listener that names it). */
        public KeelClientConfig config() {
            return config;
        }

        /** Where the metrics go (e.g. a {@code PrometheusMeterRegistry}); default an in-memory registry. */
        public Builder meterRegistry(MeterRegistry r) {
            registry = r;
            return this;
        }

        /** The monotonic clock for deadlines and windows (tests pass a fake one). */
        public Builder ticker(Ticker t) {
            ticker = t;
            return this;
        }

        /** The wall clock an HTTP-date {@code Retry-After} is measured from (tests pass a fake one). */
        public Builder clock(InstantSource c) {
            clock = java.util.Objects.requireNonNull(c, "clock");
            return this;
        }

        /** How the retry layer waits (tests pass one that moves a fake clock). */
        public Builder sleeper(Sleeper s) {
            sleeper = s;
            return this;
        }

        /** The randomness behind backoff jitter; pass a seeded one for repeatable runs. */
        public Builder random(RandomGenerator r) {
            random = r;
            return this;
        }

        /** Adds a listener after the built-in ones. */
        public Builder listener(EventListener l) {
            listeners.add(l);
            return this;
        }

        /** The prices behind {@code cost_usd_total}; default {@link PriceTable#builtIn()}. */
        public Builder priceTable(PriceTable p) {
            prices = java.util.Objects.requireNonNull(p, "prices");
            return this;
        }

        /**
         * Registers a fallback for non-critical calls an open circuit breaker refuses and for which
         * no last known good answer is kept ({@link CallOptions#fallbackKey()}); fallbacks are asked
         * in the order registered, and the answer is flagged partial.
         */
        public Builder fallback(FallbackHandler handler) {
            fallbacks.add(java.util.Objects.requireNonNull(handler, "handler"));
            return this;
        }

        public KeelClient build() {
            return new KeelClient(this);
        }
    }
}
