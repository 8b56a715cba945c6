package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.PriceTier;

/**
 * What happened to one request of a batch — read from its output or error file, told by the
 * upstream for a batch that failed or ended without it, or answered by the synchronous pipeline —
 * before it is routed ({@link ChunkRouting}: a success into the sink, a failure by the replay policy
 * into a replay or the manual queue). The one outcome family of a batch line.
 */
public sealed interface LineOutcome {

    String customId();

    /** A 200 answer, priced at {@code tier} (BATCH for a line the Batch API ran). */
    record Success(String customId, String requestId, JsonNode body, PriceTier tier) implements LineOutcome {

        /** A line the Batch API answered. */
        public Success(String customId, String requestId, JsonNode body) {
            this(customId, requestId, body, PriceTier.BATCH);
        }
    }

    /**
     * A failure: its raw code (the line's {@code error.code}, else the response body's {@code
     * error.code}, else its {@code error.type}, else {@code http_<status>}), the body's error type,
     * the HTTP status when there was a response, and the message.
     */
    record Failure(String customId, String code, String type, Integer statusCode, String message)
            implements LineOutcome {}
}
