package dev.keel.core.pipeline;

import dev.keel.core.CallOptions;
import dev.keel.core.http.HttpCall;
import dev.keel.core.policy.Deadline;
import java.time.Duration;

/**
 * What every layer of the pipeline knows about one logical call: the request as first made, its
 * options, its absolute deadline, and the attempt number. Immutable; a layer that changes something
 * passes a new context down.
 *
 * @param callId a process-unique id for correlating events
 * @param original the request as the caller made it
 * @param options the caller's options
 * @param deadline the business deadline; it only shrinks
 * @param budget the business budget the deadline was set from
 * @param attempt the attempt number, 1-based (0 before the first)
 * @param attemptTimeout the timeout of the current attempt, {@code min(per-call, time left)} when it
 *     was started; null outside an attempt
 */
public record CallContext(
        long callId,
        HttpCall original,
        CallOptions options,
        Deadline deadline,
        Duration budget,
        int attempt,
        Duration attemptTimeout) {

    /** The same call after {@code n} attempts, between attempts. */
    public CallContext withAttempt(int n) {
        return new CallContext(callId, original, options, deadline, budget, n, null);
    }

    /** The same call during attempt {@code n}, which runs with {@code timeout}. */
    public CallContext inAttempt(int n, Duration timeout) {
        return new CallContext(callId, original, options, deadline, budget, n, timeout);
    }
}
