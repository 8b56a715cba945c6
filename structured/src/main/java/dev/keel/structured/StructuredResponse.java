package dev.keel.structured;

import dev.keel.structured.decode.Decoded;
import dev.keel.structured.rollout.Assignment;

/**
 * The outcome of one structured call. Immutable.
 *
 * @param decoded the decoded answer: strict, compat or summary
 * @param assignment the version and canary arm the rollout chose
 * @param responseId the upstream response id of the answer decoded
 * @param model the model that answered
 * @param calls upstream calls made: 1, or 2 after a re-ask
 * @param totalTokens tokens used by all calls, from the responses' usage
 */
public record StructuredResponse<T>(
        Decoded<T> decoded, Assignment assignment, String responseId, String model, int calls, int totalTokens) {}
