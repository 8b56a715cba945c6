package dev.keel.core.slo;

import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.DegradeSignal;
import java.time.Duration;

/**
 * Feeds each finished call to the degrade signal and the error budget. A call counts as failed when
 * its error is the upstream's doing (5xx, 429, timeouts, network, a spent budget — {@link
 * dev.keel.core.error.ErrorKind#countsAsUpstreamFailure()}); a call refused for the caller's own
 * mistake (400, 401, 404, …) is not counted at all, nor is a call a fallback answered while its
 * breaker was open (no upstream call was made). A stream counts once, when its body ends ({@link
 * #streamEnd}), not when its headers arrive: cut before its terminal event it is a failure (the
 * caller got a {@code StreamTruncatedException}); finished, or closed early by the caller, a
 * success. Thread-safe.
 */
public final class OutcomeRecorder implements EventListener {

    private final DegradeSignal degrade;
    private final ErrorBudget budget;

    public OutcomeRecorder(DegradeSignal degrade, ErrorBudget budget) {
        this.degrade = degrade;
        this.budget = budget;
    }

    @Override
    public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
        if (result.partial() || result.stream() != null) {
            return; // a stream is counted when its body ends
        }
        degrade.record(false);
        budget.record(false);
    }

    @Override
    public void streamEnd(CallContext call, StreamOutcome outcome, Duration elapsed) {
        boolean failed =
                outcome instanceof StreamOutcome.Truncated t && t.error().kind().countsAsUpstreamFailure();
        degrade.record(failed);
        budget.record(failed);
    }

    @Override
    public void callFailed(CallContext call, KeelException error, Duration elapsed) {
        if (error.kind().countsAsUpstreamFailure()) {
            degrade.record(true);
            budget.record(true);
        }
    }
}
