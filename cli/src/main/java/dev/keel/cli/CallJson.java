package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelResponse;
import dev.keel.core.cost.CostSplit;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.http.PhaseTimings;
import dev.keel.wire.json.Json;
import java.time.Duration;

/** The {@code --format json} document of {@code keel call} (docs/cli.md). Stateless. */
final class CallJson {

    private CallJson() {}

    static ObjectNode of(String model, String text, KeelResponse r, PriceTable prices) {
        var body = r.json();
        var usage = TokenUsage.fromJson(body.get("usage"));
        ObjectNode j = Json.object()
                .put("model", body.path("model").asText(model))
                .put("response_id", body.path("id").asText(null))
                .put("state", CliJson.state(body.path("status").asText(null)))
                .put("text", text);
        long reasoning = reasoningTokens(body.get("usage"));
        j.putObject("usage")
                .put("input_tokens", usage.input())
                .put("cached_input_tokens", usage.cachedInput())
                .put("cache_write_tokens", usage.cacheWrite())
                .put("output_tokens", usage.output())
                .put("reasoning_tokens", reasoning);
        String served = body.path("service_tier").asText(null);
        j.put("service_tier", served);
        CostSplit split = split(prices, body.path("model").asText(model), served, usage, reasoning);
        if (split != null) {
            j.put("cost_usd", CostSplit.micro(split.total().usd()));
            j.set("cost_split", split.toJson());
        } else {
            j.putNull("cost_usd");
            j.putNull("cost_split");
        }
        j.put("attempts", r.attempts())
                .put("http_status", r.status())
                .put("protocol", r.protocol())
                .put("request_id", r.requestId())
                .put("served", CliJson.state(r.source().name()));
        PhaseTimings t = r.timings();
        var ms = j.putObject("timings_ms");
        if (t != null) {
            put(ms, "queued", t.queued());
            put(ms, "connect", t.connect());
            put(ms, "tls", t.tls());
            put(ms, "sent", t.requestSent());
            put(ms, "headers", t.responseHeaders());
            put(ms, "first_byte", t.firstByte());
            put(ms, "complete", t.complete());
        }
        return j;
    }

    /**
     * The call's cost split at the tier the answer says it was served at; null when the model or
     * that tier has no price (the summary says why).
     */
    static CostSplit split(PriceTable prices, String model, String served, TokenUsage usage, long reasoning) {
        var tier = PriceTier.ofServiceTier(served);
        if (tier.isEmpty() || prices.find(model).isEmpty()) {
            return null;
        }
        var split = new CostSplit();
        try {
            split.add(prices, model, tier.get(), usage, reasoning);
        } catch (dev.keel.core.cost.UnknownModelPriceException e) {
            return null;
        }
        return split;
    }

    /** {@code output_tokens_details.reasoning_tokens} (Responses) or {@code completion_tokens_details…} (Chat). */
    static long reasoningTokens(com.fasterxml.jackson.databind.JsonNode usage) {
        if (usage == null) {
            return 0;
        }
        return usage.has("output_tokens_details")
                ? usage.path("output_tokens_details").path("reasoning_tokens").asLong()
                : usage.path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asLong();
    }

    private static void put(ObjectNode ms, String name, Duration d) {
        if (d == null) {
            ms.putNull(name);
        } else {
            ms.put(name, Math.round(d.toNanos() / 10_000.0) / 100.0);
        }
    }
}
