package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelResponse;
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
        j.putObject("usage")
                .put("input_tokens", usage.input())
                .put("cached_input_tokens", usage.cachedInput())
                .put("output_tokens", usage.output());
        var price = prices.find(body.path("model").asText(model));
        if (price.isPresent()) {
            j.put(
                    "cost_usd",
                    CliJson.usd(prices.cost(price.get().model(), PriceTier.STANDARD, usage)
                            .doubleValue()));
        } else {
            j.putNull("cost_usd");
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

    private static void put(ObjectNode ms, String name, Duration d) {
        if (d == null) {
            ms.putNull(name);
        } else {
            ms.put(name, Math.round(d.toNanos() / 10_000.0) / 100.0);
        }
    }
}
