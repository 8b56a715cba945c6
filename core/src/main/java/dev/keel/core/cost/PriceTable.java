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
import java.util.List;
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
        String text = dev.keel.core.io.TextFiles.read(file, "price file");
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + ": not a JSON price table: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage())
                            + "; expected {\"models\": {MODEL: {\"sync\": {\"input\": N, \"output\": N}}}}",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a price table is a JSON object {\"as_of\", \"models\"}, not "
                    + (root == null || root.isMissingNode()
                            ? "an empty file"
                            : "a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        var lines = dev.keel.core.io.KeyLines.of(file.toString(), Json.mapper().getFactory(), text);
        return parse(root, lines, builtIn().prices);
    }

    /** The keys a price file may have at the top, per model, and per tier. */
    private static final List<String> ROOT_KEYS = List.of("as_of", "currency", "unit", "source", "models");

    private static final List<String> MODEL_KEYS = List.of("sync", "batch");
    private static final List<String> RATE_KEYS = List.of("input", "cached_input", "output");
    /** A price above this, in USD per 1M tokens, is a typo (an exponent), not a rate. */
    private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000);

    private static final int MAX_DECIMALS = 12;

    private static PriceTable parse(JsonNode root, String source, Map<String, ModelPrice> base) {
        return parse(root, dev.keel.core.io.KeyLines.of(source, Json.mapper().getFactory(), "{}"), base);
    }

    private static PriceTable parse(JsonNode root, dev.keel.core.io.KeyLines lines, Map<String, ModelPrice> base) {
        unknownKeys(root, "", ROOT_KEYS, lines);
        JsonNode models = root.path("models");
        if (!models.isObject()) {
            throw new IllegalArgumentException(
                    lines.where("/models") + ": expected an object \"models\" of model -> {sync, batch}");
        }
        Map<String, ModelPrice> merged = new LinkedHashMap<>(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            var entry = it.next();
            String model = entry.getKey().toLowerCase(Locale.ROOT);
            String pointer = "/models/" + escape(entry.getKey());
            merged.put(model, modelPrice(lines, pointer, model, entry.getValue()));
        }
        return new PriceTable(merged, root.path("as_of").asText("unknown"));
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static void unknownKeys(
            JsonNode node, String pointer, List<String> known, dev.keel.core.io.KeyLines lines) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(lines.where(pointer + "/" + escape(key)) + ": unknown key '" + key
                        + "'"
                        + (pointer.isEmpty()
                                ? ""
                                : " in " + pointer.substring(1).replace('/', '.'))
                        + dev.keel.core.io.KeyLines.suggestion(key, known));
            }
        }
    }

    private static ModelPrice modelPrice(dev.keel.core.io.KeyLines lines, String pointer, String model, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(lines.where(pointer) + ": model " + model
                    + ": expected an object {\"sync\": {...}, \"batch\": {...}}");
        }
        unknownKeys(node, pointer, MODEL_KEYS, lines);
        Rates sync = rates(lines, pointer, model, node.path("sync"), "sync");
        Rates batch = node.has("batch") ? rates(lines, pointer, model, node.path("batch"), "batch") : halfOf(sync);
        return new ModelPrice(model, sync, batch);
    }

    private static Rates rates(
            dev.keel.core.io.KeyLines lines, String model0, String model, JsonNode node, String tier) {
        String pointer = model0 + "/" + tier;
        if (!node.isObject()) {
            throw new IllegalArgumentException(lines.where(node.isMissingNode() ? model0 : pointer) + ": model " + model
                    + ": missing \"" + tier + "\" prices {input, cached_input, output}");
        }
        unknownKeys(node, pointer, RATE_KEYS, lines);
        BigDecimal input = price(lines, pointer, model, node, "input", tier);
        BigDecimal cached = node.has("cached_input") ? price(lines, pointer, model, node, "cached_input", tier) : input;
        return new Rates(input, cached, price(lines, pointer, model, node, "output", tier));
    }

    private static BigDecimal price(
            dev.keel.core.io.KeyLines lines, String pointer, String model, JsonNode node, String field, String tier) {
        JsonNode value = node.get(field);
        String where = lines.where(value == null ? pointer : pointer + "/" + field) + ": model " + model + ": " + tier
                + "." + field;
        if (value == null) {
            throw new IllegalArgumentException(where + " is missing; give the rate in USD per 1M tokens (0 if free)");
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(where + " must be a number (USD per 1M tokens), was " + value);
        }
        if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
            throw new IllegalArgumentException(where + " must be a finite number (USD per 1M tokens)");
        }
        BigDecimal d = value.decimalValue();
        if (d.signum() < 0) {
            throw new IllegalArgumentException(where + " must be >= 0 (USD per 1M tokens), was " + value);
        }
        if (d.compareTo(MAX_PRICE) > 0) {
            throw new IllegalArgumentException(where + " is " + value + ", more than " + MAX_PRICE.toPlainString()
                    + " USD per 1M tokens; check the number (an exponent?)");
        }
        if (d.signum() > 0 && d.stripTrailingZeros().scale() > MAX_DECIMALS) {
            throw new IllegalArgumentException(
                    where + " is " + value + ": more than " + MAX_DECIMALS + " decimal places; round it");
        }
        return d;
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
