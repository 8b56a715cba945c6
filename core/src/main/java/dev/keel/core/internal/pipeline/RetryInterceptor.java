package dev.keel.core.internal.pipeline;

import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.FailedAttempt;
import dev.keel.core.policy.RetryBudget;
import dev.keel.core.policy.RetryDecision;
import dev.keel.core.policy.RetryDecision.GiveUp;
import dev.keel.core.policy.RetryDecision.GiveUpReason;
import dev.keel.core.policy.RetryDecision.Retry;
import dev.keel.core.policy.RetryPolicy;
import dev.keel.core.time.Sleeper;
import java.util.random.RandomGenerator;

/**
 * The one retry layer: after a failed attempt it asks the {@link RetryPolicy} (retryable kind,
 * attempt limit, backoff or Retry-After within the deadline) — within the call's own attempt limit
 * ({@link dev.keel.core.CallOptions#maxAttempts()}), if it sets one — then the {@link RetryBudget}, waits,
 * and runs the layers below again with the same request — so the same {@code Idempotency-Key} goes
 * on every attempt. The last error is thrown with the earlier attempts' errors suppressed on it.
 */
final class RetryInterceptor implements Interceptor {

    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final EventListener listener;

    RetryInterceptor(
            RetryPolicy policy, RetryBudget budget, Sleeper sleeper, RandomGenerator random, EventListener listener) {
        this.policy = policy;
        this.budget = budget;
        this.sleeper = sleeper;
        this.random = random;
        this.listener = listener;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        budget.deposit();
        CallContext context = chain.context();
        KeelException previous = null;
        while (true) {
            try {
                return chain.proceed(chain.request(), context);
            } catch (DeadlineExceededException e) {
                throw withEarlier(e, previous);
            } catch (KeelException e) {
                KeelException failure = withEarlier(e, previous);
                RetryDecision decision =
                        decide(context, failure, chain.request().replayable());
                listener.retryDecided(context, failure, decision);
                switch (decision) {
                    case GiveUp g -> throw failure;
                    case Retry r -> waitFor(r, failure);
                }
                context = context.withAttempt(failure.attempts());
                previous = failure;
            }
        }
    }

    private RetryDecision decide(CallContext context, KeelException e, boolean replayable) {
        Integer limit = context.options().maxAttempts();
        if (limit != null && e.attempts() >= limit) {
            return new GiveUp(
                    GiveUpReason.ATTEMPTS_EXHAUSTED,
                    e.attempts() + " of this call's " + limit + " attempts made (CallOptions.maxAttempts)");
        }
        RetryDecision d;
        synchronized (random) {
            d = policy.decide(new FailedAttempt(e, replayable), context.deadline(), random);
        }
        if (d instanceof Retry && !budget.tryWithdraw()) {
            return new GiveUp(GiveUpReason.BUDGET_EXHAUSTED, "the retry budget is spent");
        }
        return d;
    }

    private void waitFor(Retry retry, KeelException failure) {
        try {
            sleeper.sleep(retry.delay());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /** {@code e} with the previous attempt's error (and its chain) attached as suppressed. */
    private static <E extends KeelException> E withEarlier(E e, KeelException previous) {
        if (previous != null && previous != e) {
            e.addSuppressed(previous);
        }
        return e;
    }
}
