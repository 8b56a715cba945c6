package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.wire.json.Json;
import java.time.Duration;
import java.util.Locale;

/**
 * Runs one batch item through keel's synchronous pipeline instead of the Batch API and answers as a
 * batch line would: a {@link LineOutcome.Success} at the tier the answer says served it (its {@code
 * service_tier}; request id {@code sync:…}), or a {@link LineOutcome.Failure} with the pipeline's
 * error kind as its code. The same idempotency key per run and {@code custom_id} goes on every try.
 * Two tiers: standard ({@link #run}) and flex ({@link #flex}: {@code service_tier: "flex"}, a long
 * per-call timeout). The sync fallback uses flex where the price table has a flex rate for the model
 * ({@link #fallback}). Stateless; thread-safe as the client is.
 */
final class SyncLane {

    private final KeelClient client;
    private final CallOptions options;
    private final PriceTable prices;
    private final FlexConfig flex;

    SyncLane(KeelClient client, CallOptions options, PriceTable prices, FlexConfig flex) {
        this.client = client;
        this.options = options;
        this.prices = prices;
        this.flex = flex;
    }

    /** Whether {@code model} has a flex rate in the price table (so flex can be priced, never at zero). */
    static boolean flexPriced(PriceTable prices, String model) {
        return prices.find(model).flatMap(p -> p.find(PriceTier.FLEX)).isPresent();
    }

    /** Sends {@code item}'s request at the standard tier. */
    LineOutcome run(ChunkRecord ch, ItemRecord item) {
        return send(ch, item, PriceTier.STANDARD);
    }

    /**
     * Sends {@code item}'s request with {@code service_tier: "flex"} and the flex per-call timeout; a
     * 429 (flex has no capacity: "resource unavailable") is retried by the pipeline within its retry
     * budget and then answered as a {@link LineOutcome.Failure} with status 429.
     */
    LineOutcome flex(ChunkRecord ch, ItemRecord item) {
        return send(ch, item, PriceTier.FLEX);
    }

    /**
     * The sync fallback: flex where the model has a flex rate, and standard when flex answers 429
     * past the retry budget (or has no rate).
     */
    LineOutcome fallback(ChunkRecord ch, ItemRecord item) {
        if (flexPriced(prices, ch.model())) {
            LineOutcome o = flex(ch, item);
            if (!(o instanceof LineOutcome.Failure f && isFlexUnavailable(f))) {
                return o;
            }
        }
        return run(ch, item);
    }

    /**
     * Whether a flex failure means flex could not serve the request now: a 429 (no capacity: "resource
     * unavailable", after the retry budget), or the circuit breaker those 429s opened ({@code
     * circuit_open}: the call was not sent).
     */
    static boolean isFlexUnavailable(LineOutcome.Failure f) {
        return (f.statusCode() != null && f.statusCode() == 429) || "circuit_open".equals(f.code());
    }

    private LineOutcome send(ChunkRecord ch, ItemRecord item, PriceTier tier) {
        JsonNode line = Json.parse(item.line());
        String path = line.path("url").asText().replaceFirst("^/v1", "");
        JsonNode body = line.path("body");
        CallOptions o = options.withIdempotencyKey("idem:keel-batch:" + ch.runId() + ":" + item.customId());
        if (tier == PriceTier.FLEX) {
            ObjectNode b = body.deepCopy();
            b.put("service_tier", "flex");
            body = b;
            Duration t = flex.callTimeout();
            // the budget covers the retries of a 429 as well as one slow answer
            o = o.withPerCallTimeout(t).withBudget(t.multipliedBy(2).plusMinutes(1));
        }
        try {
            var response = client.send(HttpCall.postJson(path, Json.writeBytes(body)), o);
            JsonNode json = response.json();
            PriceTier served = json.hasNonNull("service_tier")
                    ? PriceTier.ofServiceTier(json.path("service_tier").asText())
                            .orElse(tier)
                    : tier;
            return new LineOutcome.Success(item.customId(), "sync:" + response.requestId(), json, served);
        } catch (KeelException e) {
            return new LineOutcome.Failure(
                    item.customId(),
                    e.errorCode() != null && e.status() == 429 && tier == PriceTier.FLEX
                            ? e.errorCode()
                            : e.kind().name().toLowerCase(Locale.ROOT),
                    null,
                    e.status() == 0 ? null : e.status(),
                    e.getMessage());
        }
    }
}
