package dev.keel.core.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model prices in USD per one million tokens, for the synchronous APIs and the Batch API.
 *
 * <p>keel ships a table ({@code dev/keel/core/cost/prices.json}, dated by its {@code as_of} field);
 * {@link #load(Path)} lays a file of the same shape over it, so a user can correct a price or add a
 * model without a release. A dated snapshot such as {@code gpt-4.1-mini-2025-04-14} is priced as its
 * base model. Immutable and thread-safe.
 */
public final class PriceTable {

    private static final String BUILT_IN = "/dev/keel/core/cost/prices.json";
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final Map<String, ModelPrice> prices;
    private final String asOf;

    private PriceTable(Map<String, ModelPrice> prices, String asOf) {
        this.prices = Map.copyOf(prices);
        this.asOf = asOf;
    }

    /** The table shipped with keel. */
    public static PriceTable builtIn() {
        try (InputStream in = PriceTable.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("the built-in price table " + BUILT_IN + " is missing from the jar");
            }
            return parse(Json.mapper().readTree(in), BUILT_IN, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in price table " + BUILT_IN, e);
        }
    }

    /**
     * The built-in table with the models of {@code file} added or replaced.
     *
     * @throws IllegalArgumentException if the file is not a valid price table (the message names the
     *     file and the model)
     */
    public static PriceTable load(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(dev.keel.core.io.TextFiles.read(file, "price file"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read price table " + file + ": " + e.getMessage(), e);
        }
        return parse(root, file.toString(), builtIn().prices);
    }

    private static PriceTable parse(JsonNode root, String source, Map<String, ModelPrice> base) {
        JsonNode models = root.path("models");
        if (!models.isObject()) {
            throw new IllegalArgumentException(source + ": expected an object \"models\" of model -> {sync, batch}");
        }
        Map<String, ModelPrice> merged = new LinkedHashMap<>(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            var entry = it.next();
            String model = entry.getKey().toLowerCase(Locale.ROOT);
            merged.put(model, modelPrice(source, model, entry.getValue()));
        }
        return new PriceTable(merged, root.path("as_of").asText("unknown"));
    }

    private static ModelPrice modelPrice(String source, String model, JsonNode node) {
        try {
            Rates sync = rates(node.path("sync"), "sync");
            Rates batch = node.has("batch") ? rates(node.path("batch"), "batch") : halfOf(sync);
            return new ModelPrice(model, sync, batch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": model " + model + ": " + e.getMessage(), e);
        }
    }

    private static Rates rates(JsonNode node, String tier) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("missing \"" + tier + "\" prices {input, cached_input, output}");
        }
        BigDecimal input = price(node, "input", tier);
        BigDecimal cached = node.has("cached_input") ? price(node, "cached_input", tier) : input;
        return new Rates(input, cached, price(node, "output", tier));
    }

    private static BigDecimal price(JsonNode node, String field, String tier) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(tier + "." + field + " must be a number (USD per 1M tokens)");
        }
        return value.decimalValue();
    }

    private static Rates halfOf(Rates sync) {
        BigDecimal half = new BigDecimal("0.5");
        return new Rates(
                sync.input().multiply(half),
                sync.cachedInput().multiply(half),
                sync.output().multiply(half));
    }

    /** The date the shipped prices were taken from (the {@code as_of} field). */
    public String asOf() {
        return asOf;
    }

    /** The models the table lists, lower case and sorted. */
    public java.util.Set<String> models() {
        return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(prices.keySet()));
    }

    /** The price of {@code model} (or of its base model for a dated snapshot), if listed. */
    public Optional<ModelPrice> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String key = model.toLowerCase(Locale.ROOT);
        ModelPrice exact = prices.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(prices.get(SNAPSHOT_SUFFIX.matcher(key).replaceFirst("")));
    }

    /**
     * The price of {@code model}.
     *
     * @throws UnknownModelPriceException if the table does not list it
     */
    public ModelPrice require(String model) {
        return find(model).orElseThrow(() -> new UnknownModelPriceException(model, asOf));
    }

    /**
     * What {@code usage} of {@code model} costs in {@code tier}, in USD, to 10 decimal places.
     *
     * @throws UnknownModelPriceException if the table does not list the model
     */
    public BigDecimal cost(String model, PriceTier tier, TokenUsage usage) {
        Rates r = require(model).rates(tier);
        BigDecimal micro = r.input()
                .multiply(BigDecimal.valueOf(usage.input() - usage.cachedInput()))
                .add(r.cachedInput().multiply(BigDecimal.valueOf(usage.cachedInput())))
                .add(r.output().multiply(BigDecimal.valueOf(usage.output())));
        return micro.divide(MILLION, 10, RoundingMode.HALF_UP);
    }
}
