package dev.keel.core.slo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.ModelPrice;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.http.HttpResult;
import dev.keel.core.json.Json;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cost_usd_total{model,tier}}: what the upstream's answers cost, as the {@code usage} of each
 * successful buffered answer (Responses, Chat Completions, Embeddings) times its model's price in
 * the {@link PriceTable}, labelled by the priced model (a dated snapshot counts as its base model)
 * and the tier ({@code sync} for the pipeline's calls; {@link #record} takes Batch API costs too). A
 * model the table does not list never fails the call: its answers are counted in {@code
 * cost_unknown_model_total{model}} and the first one is logged once per model. Fallback answers and
 * streams are not counted (no usage in a buffered body). Thread-safe.
 */
public final class CostMetrics implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(CostMetrics.class);

    private final MeterRegistry registry;
    private final String trafficClass;
    private final PriceTable prices;
    private final Map<String, Counter> costs = new ConcurrentHashMap<>();
    private final Map<String, Counter> unknown = new ConcurrentHashMap<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public CostMetrics(MeterRegistry registry, String trafficClass, PriceTable prices) {
        this.registry = registry;
        this.trafficClass = trafficClass;
        this.prices = prices;
    }

    @Override
    public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
        if (result.partial() || result.stream() != null || !isJson(result)) {
            return;
        }
        Billed billed = billed(result.body());
        if (billed != null) {
            record(billed.model(), PriceTier.SYNC, billed.usage());
        }
    }

    /** Counts {@code usage} of {@code model} at {@code tier}'s prices; an unknown model is counted apart. */
    public void record(String model, PriceTier tier, TokenUsage usage) {
        Optional<ModelPrice> price = prices.find(model);
        if (price.isEmpty()) {
            unknownModel(model);
            return;
        }
        String name = price.get().model();
        double usd = prices.cost(name, tier, usage).doubleValue();
        String tierName = tier.name().toLowerCase(Locale.ROOT);
        costs.computeIfAbsent(
                        name + '\u0000' + tierName,
                        k -> Counter.builder(MetricNames.COST_USD)
                                .description("what the upstream's answers cost, in USD, from usage x the price table")
                                .tag("model", name)
                                .tag("tier", tierName)
                                .tag("traffic_class", trafficClass)
                                .register(registry))
                .increment(usd);
    }

    private void unknownModel(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        unknown.computeIfAbsent(
                        name,
                        m -> Counter.builder(MetricNames.COST_UNKNOWN_MODEL)
                                .description(
                                        "answers whose model has no price in the price table (not in cost_usd_total)")
                                .tag("model", m)
                                .tag("traffic_class", trafficClass)
                                .register(registry))
                .increment();
        if (logged.add(name)) {
            LOG.warn(
                    "no price for model '{}' in the price table (prices as of {}): its cost is not in cost_usd_total;"
                            + " its answers are counted in cost_unknown_model_total. Add it with a price file"
                            + " (PriceTable.load, keel --prices FILE)",
                    name,
                    prices.asOf());
        }
    }

    private static boolean isJson(HttpResult r) {
        String type = r.header("content-type");
        return type == null || type.startsWith("application/json");
    }

    /** The model and usage at the top level of an answer (other fields are skipped unread), or null. */
    private static Billed billed(byte[] body) {
        String model = null;
        JsonNode usage = null;
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model") && value == JsonToken.VALUE_STRING) {
                    model = p.getText();
                } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
                    usage = p.readValueAsTree();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        return model == null || usage == null ? null : new Billed(model, TokenUsage.fromJson(usage));
    }

    private record Billed(String model, TokenUsage usage) {}
}
