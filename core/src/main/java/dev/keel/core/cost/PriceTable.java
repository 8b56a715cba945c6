package dev.keel.core.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model prices in USD per one million tokens, per tier: standard (the synchronous APIs), batch (the
 * Batch API), flex and priority ({@code service_tier}), each with input, cached-input, cache-write
 * and output rates, and optionally the rates of fine-tuned models built on a model.
 *
 * <p>keel ships a table ({@code dev/keel/core/cost/prices.json}, dated by its {@code as_of} field);
 * {@link #load(Path)} lays a file of the same shape over it, so a user can correct a price or add a
 * model without a release. A dated snapshot such as {@code gpt-4.1-mini-2025-04-14} is priced as its
 * base model. A tier or rate the table does not list is refused when priced ({@link
 * UnknownModelPriceException}), never priced at zero. Immutable and thread-safe.
 */
public final class PriceTable {

    private static final String BUILT_IN = "/dev/keel/core/cost/prices.json";
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");

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
        String text = dev.keel.wire.io.TextFiles.read(file, "price file");
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + ": not a JSON price table: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage())
                            + "; expected {\"models\": {MODEL: {\"standard\": {\"input\": N, \"output\": N}}}}",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a price table is a JSON object {\"as_of\", \"models\"}, not "
                    + (root == null || root.isMissingNode()
                            ? "an empty file"
                            : "a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        var lines = dev.keel.wire.io.KeyLines.of(file.toString(), Json.mapper().getFactory(), text);
        return parse(root, lines, builtIn().prices);
    }

    /** The keys a price file may have at the top, per model, and per tier. */
    private static final List<String> ROOT_KEYS = List.of("as_of", "currency", "unit", "source", "models");

    private static final List<String> MODEL_KEYS =
            List.of("standard", "batch", "flex", "priority", "fine_tuned", "sync", "notes");
    private static final List<String> FINE_TUNED_KEYS = List.of("standard", "batch", "flex", "priority", "sync");
    private static final List<String> RATE_KEYS = List.of("input", "cached_input", "cache_write", "output");
    /** What {@code cache_write} says for a family that does not bill cache writes. */
    public static final String NOT_BILLED = "not_billed";
    /** A price above this, in USD per 1M tokens, is a typo (an exponent), not a rate. */
    private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000);

    private static final int MAX_DECIMALS = 12;

    private static PriceTable parse(JsonNode root, String source, Map<String, ModelPrice> base) {
        return parse(root, dev.keel.wire.io.KeyLines.of(source, Json.mapper().getFactory(), "{}"), base);
    }

    private static PriceTable parse(JsonNode root, dev.keel.wire.io.KeyLines lines, Map<String, ModelPrice> base) {
        unknownKeys(root, "", ROOT_KEYS, lines);
        JsonNode models = root.path("models");
        if (!models.isObject()) {
            throw new IllegalArgumentException(lines.where("/models")
                    + ": expected an object \"models\" of model -> {standard, batch, flex, priority}");
        }
        Map<String, ModelPrice> merged = new LinkedHashMap<>(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            var entry = it.next();
            String model = entry.getKey().toLowerCase(Locale.ROOT);
            String pointer = "/models/" + escape(entry.getKey());
            merged.put(model, modelPrice(lines, pointer, model, entry.getValue()));
        }
        JsonNode asOf = root.get("as_of");
        if (asOf != null && !asOf.isTextual()) {
            throw new IllegalArgumentException(
                    lines.where("/as_of") + ": as_of must be a date string such as \"2026-12-01\", was " + asOf);
        }
        return new PriceTable(merged, asOf == null ? "unknown" : asOf.asText());
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static void unknownKeys(
            JsonNode node, String pointer, List<String> known, dev.keel.wire.io.KeyLines lines) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(lines.where(pointer + "/" + escape(key)) + ": unknown key '" + key
                        + "'"
                        + (pointer.isEmpty()
                                ? ""
                                : " in " + pointer.substring(1).replace('/', '.'))
                        + dev.keel.wire.io.KeyLines.suggestion(key, known));
            }
        }
    }

    private static ModelPrice modelPrice(dev.keel.wire.io.KeyLines lines, String pointer, String model, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    lines.where(pointer) + ": model " + model
                            + ": expected an object {\"standard\": {...}, \"batch\": {...}, \"flex\": {...}, \"priority\": {...}}");
        }
        unknownKeys(node, pointer, MODEL_KEYS, lines);
        JsonNode notes = node.get("notes");
        if (notes != null && !notes.isTextual()) {
            throw new IllegalArgumentException(
                    lines.where(pointer + "/notes") + ": model " + model + ": notes must be a string");
        }
        Map<PriceTier, Rates> tiers = tiers(lines, pointer, model, node, "");
        Map<PriceTier, Rates> fineTuned = Map.of();
        if (node.has("fine_tuned")) {
            JsonNode ft = node.get("fine_tuned");
            String ftPointer = pointer + "/fine_tuned";
            if (!ft.isObject()) {
                throw new IllegalArgumentException(lines.where(ftPointer) + ": model " + model
                        + ": fine_tuned must be an object {\"standard\": {...}, \"batch\": {...}}");
            }
            unknownKeys(ft, ftPointer, FINE_TUNED_KEYS, lines);
            fineTuned = tiers(lines, ftPointer, model, ft, "fine_tuned.");
            if (fineTuned.isEmpty()) {
                throw new IllegalArgumentException(lines.where(ftPointer) + ": model " + model
                        + ": fine_tuned lists no tier; give at least \"standard\": {\"input\": N, \"output\": N}");
            }
        }
        if (tiers.isEmpty() && fineTuned.isEmpty()) {
            throw new IllegalArgumentException(lines.where(pointer) + ": model " + model
                    + ": no prices; give at least \"standard\": {\"input\": N, \"cached_input\": N, \"output\": N}");
        }
        return new ModelPrice(model, tiers, fineTuned);
    }

    /**
     * The tiers of {@code node}. {@code sync} is the old name of {@code standard} (both at once is
     * an error); a file that gives {@code standard} but no {@code batch} gets batch at half of
     * standard (the Batch API's published 50 % discount, as before); flex and priority are never
     * derived.
     */
    private static Map<PriceTier, Rates> tiers(
            dev.keel.wire.io.KeyLines lines, String pointer, String model, JsonNode node, String prefix) {
        if (node.has("sync") && node.has("standard")) {
            throw new IllegalArgumentException(lines.where(pointer + "/sync") + ": model " + model + ": both \""
                    + prefix + "sync\" and \"" + prefix + "standard\"; sync is the old name of standard, keep one");
        }
        Map<PriceTier, Rates> tiers = new EnumMap<>(PriceTier.class);
        for (String key : List.of("standard", "sync", "batch", "flex", "priority")) {
            if (node.has(key)) {
                tiers.put(PriceTier.ofKey(key).orElseThrow(), rates(lines, pointer, model, node.get(key), key, prefix));
            }
        }
        if (tiers.containsKey(PriceTier.STANDARD) && !tiers.containsKey(PriceTier.BATCH)) {
            tiers.put(PriceTier.BATCH, halfOf(tiers.get(PriceTier.STANDARD)));
        }
        return tiers;
    }

    private static Rates rates(
            dev.keel.wire.io.KeyLines lines, String model0, String model, JsonNode node, String tier, String prefix) {
        String pointer = model0 + "/" + tier;
        if (!node.isObject()) {
            throw new IllegalArgumentException(lines.where(pointer) + ": model " + model + ": \"" + prefix + tier
                    + "\" must be an object {input, cached_input, cache_write, output}");
        }
        unknownKeys(node, pointer, RATE_KEYS, lines);
        String name = prefix + tier;
        BigDecimal input = price(lines, pointer, model, node, "input", name);
        BigDecimal cached = node.has("cached_input") ? price(lines, pointer, model, node, "cached_input", name) : input;
        BigDecimal write = null;
        JsonNode w = node.get("cache_write");
        if (w != null && w.isTextual()) {
            if (!w.asText().equals(NOT_BILLED)) {
                throw new IllegalArgumentException(lines.where(pointer + "/cache_write") + ": model " + model + ": "
                        + name + ".cache_write must be a number (USD per 1M tokens) or \"" + NOT_BILLED
                        + "\" where the family does not bill cache writes, was " + w);
            }
            write = BigDecimal.ZERO;
        } else if (w != null) {
            write = price(lines, pointer, model, node, "cache_write", name);
        }
        return new Rates(input, cached, write, price(lines, pointer, model, node, "output", name));
    }

    private static BigDecimal price(
            dev.keel.wire.io.KeyLines lines, String pointer, String model, JsonNode node, String field, String tier) {
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

    private static Rates halfOf(Rates standard) {
        BigDecimal half = new BigDecimal("0.5");
        return new Rates(
                standard.input().multiply(half),
                standard.cachedInput().multiply(half),
                standard.cacheWrite() == null ? null : standard.cacheWrite().multiply(half),
                standard.output().multiply(half));
    }

    /** The date the shipped prices were taken from (the {@code as_of} field). */
    public String asOf() {
        return asOf;
    }

    /** The models the table lists, lower case and sorted. */
    public java.util.Set<String> models() {
        return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(prices.keySet()));
    }

    /**
     * The price of {@code model} (or of its base model for a dated snapshot), if listed. A
     * fine-tuned id {@code ft:BASE:org::id} is priced from BASE's {@code fine_tuned} rates, as a
     * price named {@code ft:BASE} (so the metric's model label stays bounded); empty if BASE has none.
     */
    public Optional<ModelPrice> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String key = model.toLowerCase(Locale.ROOT);
        String base = fineTunedBase(key);
        if (base != null) {
            return plain(base)
                    .filter(p -> !p.fineTuned().isEmpty())
                    .map(p -> new ModelPrice("ft:" + p.model(), p.fineTuned(), Map.of()));
        }
        return plain(key);
    }

    private Optional<ModelPrice> plain(String key) {
        ModelPrice exact = prices.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(prices.get(SNAPSHOT_SUFFIX.matcher(key).replaceFirst("")));
    }

    /** BASE of {@code ft:BASE:org::id} (lower case), or null if {@code model} is not a fine-tuned id. */
    private static String fineTunedBase(String model) {
        if (!model.startsWith("ft:")) {
            return null;
        }
        int end = model.indexOf(':', 3);
        return end < 0 ? model.substring(3) : model.substring(3, end);
    }

    /**
     * The price of {@code model}.
     *
     * @throws UnknownModelPriceException if the table does not list it (for a fine-tuned id: its base
     *     model's fine-tuned rates), saying how to add it
     */
    public ModelPrice require(String model) {
        Optional<ModelPrice> p = find(model);
        if (p.isPresent()) {
            return p.get();
        }
        String base = model == null ? null : fineTunedBase(model.toLowerCase(Locale.ROOT));
        if (base != null) {
            throw UnknownModelPriceException.fineTuned(model, base, PriceTier.STANDARD);
        }
        throw new UnknownModelPriceException(model, asOf);
    }

    /**
     * What {@code usage} of {@code model} costs in {@code tier}, in USD, to 10 decimal places:
     * uncached input at the input rate, cached input at the cached rate, cache writes at the
     * cache-write rate, output (reasoning included) at the output rate.
     *
     * @throws UnknownModelPriceException if the table does not list the model, the tier, or (for a
     *     usage with cache writes) the tier's cache-write rate; never priced at zero
     */
    public BigDecimal cost(String model, PriceTier tier, TokenUsage usage) {
        return costParts(model, tier, usage).total().setScale(10, RoundingMode.HALF_UP);
    }

    /**
     * {@link #cost} by token kind, unrounded (each part is a rate times a token count over one
     * million, exact in decimal): what {@link CostSplit} adds up.
     *
     * @throws UnknownModelPriceException as {@link #cost}
     */
    public CostParts costParts(String model, PriceTier tier, TokenUsage usage) {
        ModelPrice price = require(model);
        Optional<Rates> found = price.find(tier);
        if (found.isEmpty()) {
            String base = fineTunedBase(price.model());
            throw base != null
                    ? UnknownModelPriceException.fineTuned(model, base, tier)
                    : UnknownModelPriceException.tier(price.model(), tier);
        }
        Rates r = found.get();
        if (usage.cacheWrite() > 0 && r.cacheWrite() == null) {
            throw UnknownModelPriceException.cacheWrite(price.model(), tier);
        }
        return new CostParts(
                perMillion(r.input(), usage.uncachedInput()),
                perMillion(r.cachedInput(), usage.cachedInput()),
                usage.cacheWrite() == 0 ? BigDecimal.ZERO : perMillion(r.cacheWrite(), usage.cacheWrite()),
                perMillion(r.output(), usage.output()));
    }

    private static BigDecimal perMillion(BigDecimal rate, long tokens) {
        return rate.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }

    /**
     * What one usage costs by token kind, in USD, unrounded.
     *
     * @param input uncached input tokens at the input rate
     * @param cachedInput cached input tokens at the cached-input rate
     * @param cacheWrite cache-write tokens at the cache-write rate
     * @param output output tokens (reasoning included) at the output rate
     */
    public record CostParts(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {
        public BigDecimal total() {
            return input.add(cachedInput).add(cacheWrite).add(output);
        }
    }
}
