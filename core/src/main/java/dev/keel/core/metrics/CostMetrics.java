package dev.keel.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.ModelPrice;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.Rates;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.internal.json.JsonScan;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cost_usd_total{model,tier}}: what the upstream's generations cost, as the {@code usage} of
 * each answer times its model's price in the {@link PriceTable}, labelled by the priced model (a
 * dated snapshot counts as its base model) and the tier. A generation is priced exactly once, when
 * it is created: the successful answer to a {@code POST} of {@code /responses}, {@code
 * /chat/completions}, {@code /completions} or {@code /embeddings}, at the tier the answer says it
 * was served at ({@code service_tier}: {@code default} or absent is {@code standard}, {@code flex},
 * {@code priority}; see {@link PriceTier#ofServiceTier}), cached input at the cached rate, cache
 * writes ({@code cache_write_tokens}) at the cache-write rate and reasoning tokens as the output
 * they are counted in. Reading an
 * object back — {@code GET /responses/{id}}, a batch poll ({@code GET /batches/{id}}, whose {@code
 * usage} sums the whole batch), a list — is never priced, however much usage it shows. Batch API
 * results are priced when the batch pipeline collects them, at batch rates, through {@link
 * #recordBatch}. A buffered answer is counted at {@link #callEnd}; a streamed one at {@link
 * #streamEnd}, from the terminal event its reader already parsed ({@code response.completed}/{@code
 * incomplete}, or a Chat Completions stream's final usage chunk). A stream that brings no usage —
 * cut, closed by the caller first, or finished without usage — is counted in {@code
 * cost_unmetered_streams_total{reason}} instead, so unmetered spend is visible. A model the table
 * does not list never fails the call: its answers are counted in {@code
 * cost_unknown_model_total{model}} and the first one is logged once per model; so are answers at a
 * tier the table does not price for the model (or an unpriced served tier such as {@code scale}),
 * and answers with cache writes where the tier gives no cache-write rate — never priced at zero. Fallback answers
 * are not counted. A buffered answer is not parsed: {@link JsonScan} finds the two top-level
 * members ({@code usage} from the end, where the API writes it), and each model's price is
 * resolved once. Amounts are summed as doubles (exact to far below a cent for any realistic
 * spend). Thread-safe.
 */
public final class CostMetrics implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(CostMetrics.class);

    private final MeterRegistry registry;
    private final String trafficClass;
    private final PriceTable prices;
    /** Per tier, per model name as the answers spell it: its priced counter, or its unknown counter. */
    private final Map<PriceTier, Map<String, Priced>> priced = new EnumMap<>(PriceTier.class);

    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final Counter truncated;
    private final Counter abandoned;
    private final Counter noUsage;

    /** A model's rates per token and its cost counter, or (unknown model) its cost_unknown_model counter. */
    private record Priced(
            String model,
            double input,
            double cachedInput,
            double cacheWrite,
            double output,
            Counter counter,
            boolean known) {
        /** NaN if a cache write has no rate. */
        double usd(TokenUsage u) {
            double writes = u.cacheWrite() == 0 ? 0 : u.cacheWrite() * cacheWrite;
            return u.uncachedInput() * input + u.cachedInput() * cachedInput + writes + u.output() * output;
        }
    }

    public CostMetrics(MeterRegistry registry, String trafficClass, PriceTable prices) {
        this.registry = registry;
        this.trafficClass = trafficClass;
        this.prices = prices;
        for (PriceTier tier : PriceTier.values()) {
            priced.put(tier, new ConcurrentHashMap<>());
        }
        this.truncated = unmetered("truncated");
        this.abandoned = unmetered("abandoned");
        this.noUsage = unmetered("no_usage");
    }

    private Counter unmetered(String reason) {
        return Counter.builder(MetricNames.COST_UNMETERED_STREAMS)
                .description("streamed answers whose cost is not in cost_usd_total: no usage arrived")
                .tag("reason", reason)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    @Override
    public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
        if (result.partial() || result.stream() != null || !createsGeneration(call.original())) {
            return;
        }
        byte[] body = result.body();
        // From the end: the API writes usage last but for metadata, so only the tail is read. A body
        // that is not a JSON object has no usage and is not counted.
        long usage = JsonScan.memberFromEnd(body, "usage");
        if (usage < 0 || body[JsonScan.start(usage)] != '{') {
            return;
        }
        String model = JsonScan.string(body, "model");
        if (model != null) {
            recordServed(
                    model,
                    JsonScan.string(body, "service_tier"),
                    usage(body, JsonScan.start(usage), JsonScan.end(usage)));
        }
    }

    @Override
    public void streamEnd(CallContext call, StreamOutcome outcome, Duration elapsed) {
        if (!createsGeneration(call.original())) {
            return;
        }
        switch (outcome) {
            case StreamOutcome.Finished f -> recordStream(f.billed());
            case StreamOutcome.Truncated t -> truncated.increment();
            case StreamOutcome.Abandoned a -> abandoned.increment();
        }
    }

    /** Prices a finished stream's usage (same table, same unknown-model handling as buffered answers). */
    private void recordStream(JsonNode billed) {
        JsonNode usage = billed == null ? null : billed.get("usage");
        JsonNode model = billed == null ? null : billed.get("model");
        if (usage == null || !usage.isObject() || model == null || !model.isTextual()) {
            noUsage.increment();
            return;
        }
        JsonNode tier = billed.get("service_tier");
        recordServed(
                model.asText(), tier != null && tier.isTextual() ? tier.asText() : null, TokenUsage.fromJson(usage));
    }

    /** Prices {@code usage} at the tier {@code served} names; an unpriced served tier is counted apart. */
    private void recordServed(String model, String served, TokenUsage usage) {
        Optional<PriceTier> tier = PriceTier.ofServiceTier(served);
        if (tier.isPresent()) {
            record(model, tier.get(), usage);
        } else {
            unknownModel(
                            model,
                            "the answer's service_tier '" + served + "' has no price list (standard, batch, flex,"
                                    + " priority)")
                    .increment();
        }
    }

    /**
     * Whether {@code call} creates a generation, the one moment it is priced: a {@code POST} to
     * exactly {@code /responses}, {@code /chat/completions}, {@code /completions} or {@code
     * /embeddings} (a query aside). Not {@code /responses/{id}/cancel}, {@code
     * /responses/input_tokens}, retrieves, lists or batch polls.
     */
    static boolean createsGeneration(HttpCall call) {
        if (!call.method().equals("POST")) {
            return false;
        }
        String path = call.path();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        return GENERATIONS.contains(path);
    }

    private static final Set<String> GENERATIONS =
            Set.of("/responses", "/chat/completions", "/completions", "/embeddings");

    /**
     * Counts the usage of one Batch API result line as the batch pipeline collects it, at batch
     * prices ({@code tier="batch"}): the one time a batched generation is priced. Polls of the
     * batch are never priced.
     */
    public void recordBatch(String model, TokenUsage usage) {
        record(model, PriceTier.BATCH, usage);
    }

    /** Counts {@code usage} of {@code model} at {@code tier}'s prices; an unknown model is counted apart. */
    public void record(String model, PriceTier tier, TokenUsage usage) {
        Priced p = priced.get(tier).computeIfAbsent(model, m -> resolve(m, tier));
        if (!p.known()) {
            p.counter().increment();
            return;
        }
        double usd = p.usd(usage);
        if (Double.isNaN(usd)) {
            unknownModel(
                            model,
                            "tier " + tier.label() + " of '" + p.model() + "' gives no cache_write rate but the"
                                    + " answer reports cache_write_tokens; set it (a number, or \"not_billed\")")
                    .increment();
            return;
        }
        p.counter().increment(usd);
    }

    private Priced resolve(String model, PriceTier tier) {
        Optional<ModelPrice> price = prices.find(model);
        if (price.isEmpty()) {
            return new Priced(model, 0, 0, 0, 0, unknownModel(model, "the model has no price"), false);
        }
        Optional<Rates> rates = price.get().find(tier);
        if (rates.isEmpty()) {
            return new Priced(
                    model, 0, 0, 0, 0, unknownModel(model, "the model has no " + tier.label() + " price"), false);
        }
        Rates r = rates.get();
        String tierName = tier.label();
        Counter counter = Counter.builder(MetricNames.COST_USD)
                .description("what the upstream's answers cost, in USD, from usage x the price table")
                .tag("model", price.get().model())
                .tag("tier", tierName)
                .tag("traffic_class", trafficClass)
                .register(registry);
        return new Priced(
                price.get().model(),
                perToken(r.input()),
                perToken(r.cachedInput()),
                r.cacheWrite() == null ? Double.NaN : perToken(r.cacheWrite()),
                perToken(r.output()),
                counter,
                true);
    }

    private static double perToken(java.math.BigDecimal perMillion) {
        return perMillion.doubleValue() / 1_000_000;
    }

    /** The counter for an unpriced model; logs it the first time a client meets it. */
    private Counter unknownModel(String model, String why) {
        String name = model.toLowerCase(Locale.ROOT);
        if (logged.add(name + "\0" + why)) {
            LOG.warn(
                    "no price for model '{}' in the price table (prices as of {}): {}; its cost is not in"
                            + " cost_usd_total; its answers are counted in cost_unknown_model_total. Add it with a"
                            + " price file (PriceTable.load, keel --prices FILE)",
                    name,
                    prices.asOf(),
                    why);
        }
        return Counter.builder(MetricNames.COST_UNKNOWN_MODEL)
                .description("answers whose model has no price in the price table (not in cost_usd_total)")
                .tag("model", name)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    /**
     * The usage object at {@code body[from, to)}: Responses ({@code input_tokens}, {@code
     * output_tokens}, {@code input_tokens_details.cached_tokens}) or Chat/Embeddings ({@code
     * prompt_tokens}, {@code completion_tokens}, {@code prompt_tokens_details.cached_tokens}).
     */
    private static TokenUsage usage(byte[] body, int from, int to) {
        boolean responses = JsonScan.member(body, from, to, "input_tokens") >= 0;
        long input = JsonScan.longValue(body, from, to, responses ? "input_tokens" : "prompt_tokens");
        long output = JsonScan.longValue(body, from, to, responses ? "output_tokens" : "completion_tokens");
        long details = JsonScan.member(body, from, to, responses ? "input_tokens_details" : "prompt_tokens_details");
        long cached = details < 0
                ? 0
                : JsonScan.longValue(body, JsonScan.start(details), JsonScan.end(details), "cached_tokens");
        long written = details < 0
                ? 0
                : JsonScan.longValue(body, JsonScan.start(details), JsonScan.end(details), "cache_write_tokens");
        return TokenUsage.clamped(input, cached, written, output);
    }
}
