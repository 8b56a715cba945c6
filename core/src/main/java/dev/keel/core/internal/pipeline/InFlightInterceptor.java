package dev.keel.core.internal.pipeline;

import dev.keel.core.http.HttpResult;
import dev.keel.core.policy.InFlightLimit;

/**
 * Holds one in-flight permit for the call: from before the first attempt until the answer is read
 * (for a stream, until it is closed). Waits at most the time the call has left.
 */
final class InFlightInterceptor implements Interceptor {

    private final InFlightLimit limit;

    InFlightInterceptor(InFlightLimit limit) {
        this.limit = limit;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        InFlightLimit.Permit permit = limit.acquire(chain.context().deadline());
        boolean handedOver = false;
        try {
            HttpResult result = chain.proceed(chain.request());
            if (result.stream() != null) {
                handedOver = true;
                return result.withCloseHook(permit);
            }
            return result;
        } finally {
            if (!handedOver) {
                permit.close();
            }
        }
    }
}
