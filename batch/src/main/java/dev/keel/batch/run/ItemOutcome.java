package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;

/** Where one item of a collected batch goes: exactly one of three buckets. */
public sealed interface ItemOutcome {

    String customId();

    /** Stored in the result sink; the item is done. */
    record Success(String customId, String requestId, JsonNode body) implements ItemOutcome {}

    /** Replayed with the same {@code custom_id} (while replays remain). */
    record RetryableFail(String customId, String code, FailureClass cls, Integer statusCode, String message)
            implements ItemOutcome {}

    /** Moved to the manual queue; never resubmitted automatically. */
    record FinalFail(String customId, String code, Integer statusCode, String message) implements ItemOutcome {}

    /** Routes a raw line outcome through {@code policy}. */
    static ItemOutcome route(LineOutcome line, ReplayPolicy policy) {
        return switch (line) {
            case LineOutcome.Success s -> new Success(s.customId(), s.requestId(), s.body());
            case LineOutcome.Failure f -> {
                FailureClass cls = policy.classify(f);
                yield cls.retryable()
                        ? new RetryableFail(f.customId(), f.code(), cls, f.statusCode(), f.message())
                        : new FinalFail(f.customId(), f.code(), f.statusCode(), f.message());
            }
        };
    }
}
