package dev.keel.core.cost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a set of calls cost, split by the tier they were served at and by token kind: uncached input,
 * cached input, cache writes and output (reasoning tokens are part of output, as OpenAI bills them,
 * and are counted beside it). Sums exact decimals; rounds to the micro-dollar only when shown, so the
 * parts of a split add up to its total as {@link PriceTable#cost} prices it. Thread-safe.
 */
public final class CostSplit {

    /** Tokens of one kind and what they cost (USD, unrounded). */
    public record Part(long tokens, BigDecimal usd) {
        static final Part ZERO = new Part(0, BigDecimal.ZERO);

        Part plus(long t, BigDecimal u) {
            return new Part(tokens + t, usd.add(u));
        }
    }

    /** One tier's calls (or all of them, {@code tier} null) by token kind. */
    public record Line(
            PriceTier tier,
            long calls,
            Part input,
            Part cachedInput,
            Part cacheWrite,
            Part output,
            long reasoningTokens) {

        static Line empty(PriceTier tier) {
            return new Line(tier, 0, Part.ZERO, Part.ZERO, Part.ZERO, Part.ZERO, 0);
        }

        /** The line's cost, unrounded. */
        public BigDecimal usd() {
            return input.usd().add(cachedInput.usd()).add(cacheWrite.usd()).add(output.usd());
        }

        Line plus(TokenUsage u, PriceTable.CostParts c, long reasoning) {
            return new Line(
                    tier,
                    calls + 1,
                    input.plus(u.uncachedInput(), c.input()),
                    cachedInput.plus(u.cachedInput(), c.cachedInput()),
                    cacheWrite.plus(u.cacheWrite(), c.cacheWrite()),
                    output.plus(u.output(), c.output()),
                    reasoningTokens + reasoning);
        }

        Line plus(Line o) {
            return new Line(
                    tier,
                    calls + o.calls,
                    input.plus(o.input.tokens(), o.input.usd()),
                    cachedInput.plus(o.cachedInput.tokens(), o.cachedInput.usd()),
                    cacheWrite.plus(o.cacheWrite.tokens(), o.cacheWrite.usd()),
                    output.plus(o.output.tokens(), o.output.usd()),
                    reasoningTokens + o.reasoningTokens);
        }
    }

    private final Map<PriceTier, Line> lines = new EnumMap<>(PriceTier.class);

    /**
     * Adds one call.
     *
     * @param reasoningTokens the output tokens that were reasoning (already in {@code usage.output()})
     * @throws UnknownModelPriceException as {@link PriceTable#cost}
     */
    public void add(PriceTable prices, String model, PriceTier tier, TokenUsage usage, long reasoningTokens) {
        PriceTable.CostParts c = prices.costParts(model, tier, usage);
        synchronized (lines) {
            lines.put(tier, lines.getOrDefault(tier, Line.empty(tier)).plus(usage, c, reasoningTokens));
        }
    }

    /** The tiers with calls, in tier order. */
    public Map<PriceTier, Line> byTier() {
        synchronized (lines) {
            return Collections.unmodifiableMap(new EnumMap<>(lines));
        }
    }

    /** Every tier together ({@code tier} null). */
    public Line total() {
        Line t = Line.empty(null);
        for (Line l : byTier().values()) {
            t = t.plus(l);
        }
        return t;
    }

    public boolean isEmpty() {
        return byTier().isEmpty();
    }

    /** USD rounded half-up to the micro-dollar, as every keel report shows money. */
    public static BigDecimal micro(BigDecimal usd) {
        return usd.setScale(6, RoundingMode.HALF_UP);
    }

    /**
     * {@code {"standard": LINE, "flex": LINE, …, "total": LINE}}, each LINE {@code {"calls", "cost_usd",
     * "input": {"tokens","cost_usd"}, "cached_input": …, "cache_write": …, "output": {"tokens",
     * "reasoning_tokens","cost_usd"}}}, USD to the micro-dollar.
     */
    public ObjectNode toJson() {
        ObjectNode j = Json.object();
        byTier().forEach((tier, line) -> j.set(tier.label(), json(line)));
        j.set("total", json(total()));
        return j;
    }

    private static ObjectNode json(Line l) {
        ObjectNode o = Json.object().put("calls", l.calls()).put("cost_usd", micro(l.usd()));
        o.putObject("input")
                .put("tokens", l.input().tokens())
                .put("cost_usd", micro(l.input().usd()));
        o.putObject("cached_input")
                .put("tokens", l.cachedInput().tokens())
                .put("cost_usd", micro(l.cachedInput().usd()));
        o.putObject("cache_write")
                .put("tokens", l.cacheWrite().tokens())
                .put("cost_usd", micro(l.cacheWrite().usd()));
        o.putObject("output")
                .put("tokens", l.output().tokens())
                .put("reasoning_tokens", l.reasoningTokens())
                .put("cost_usd", micro(l.output().usd()));
        return o;
    }

    /**
     * One text line per tier, e.g. {@code flex      $0.001234 = input 1,200 tok $0.000750 + cached
     * 1,024 tok $0.000064 + cache write 0 tok $0.000000 + output 420 tok (reasoning 128) $0.000420}.
     */
    public List<String> textLines() {
        var out = new ArrayList<String>();
        byTier().forEach((tier, l) -> out.add(text(tier.label(), l)));
        if (byTier().size() > 1) {
            out.add(text("total", total()));
        }
        return out;
    }

    private static String text(String name, Line l) {
        return String.format(
                Locale.ROOT,
                "%-9s $%s = input %,d tok $%s + cached %,d tok $%s + cache write %,d tok $%s + output %,d tok"
                        + " (reasoning %,d) $%s",
                name,
                micro(l.usd()).toPlainString(),
                l.input().tokens(),
                micro(l.input().usd()).toPlainString(),
                l.cachedInput().tokens(),
                micro(l.cachedInput().usd()).toPlainString(),
                l.cacheWrite().tokens(),
                micro(l.cacheWrite().usd()).toPlainString(),
                l.output().tokens(),
                l.reasoningTokens(),
                micro(l.output().usd()).toPlainString());
    }
}
