package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.wire.json.Json;
import java.util.Locale;

/**
 * Runs one batch item through keel's synchronous pipeline instead of the Batch API and answers as a
 * batch line would: a {@link LineOutcome.Success} at the tier that ran it (request id {@code
 * sync:…}), or a {@link LineOutcome.Failure} with the pipeline's error kind as its code. The same
 * idempotency key per run and {@code custom_id} goes on every try, so a retried item is not paid
 * twice. Used by the sync fallback (standard tier) today; another route (e.g. flex) adds its tier
 * here. Stateless; thread-safe as the client is.
 */
final class SyncLane {

    private final KeelClient client;
    private final CallOptions options;

    SyncLane(KeelClient client, CallOptions options) {
        this.client = client;
        this.options = options;
    }

    /** Sends {@code item}'s request at the standard tier. */
    LineOutcome run(ChunkRecord ch, ItemRecord item) {
        JsonNode line = Json.parse(item.line());
        String path = line.path("url").asText().replaceFirst("^/v1", "");
        try {
            var response = client.send(
                    HttpCall.postJson(path, Json.writeBytes(line.path("body"))),
                    options.withIdempotencyKey("idem:keel-batch:" + ch.runId() + ":" + item.customId()));
            return new LineOutcome.Success(
                    item.customId(), "sync:" + response.requestId(), response.json(), PriceTier.STANDARD);
        } catch (KeelException e) {
            return new LineOutcome.Failure(
                    item.customId(),
                    e.kind().name().toLowerCase(Locale.ROOT),
                    null,
                    e.status() == 0 ? null : e.status(),
                    e.getMessage());
        }
    }
}
