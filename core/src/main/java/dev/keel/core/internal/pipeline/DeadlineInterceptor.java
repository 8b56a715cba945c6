package dev.keel.core.internal.pipeline;

import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;

/** Refuses a call whose business budget is already spent, before it takes a permit or a connection. */
final class DeadlineInterceptor implements Interceptor {

    @Override
    public HttpResult intercept(Chain chain) {
        CallContext c = chain.context();
        if (c.deadline().isExpired()) {
            throw new DeadlineExceededException(chain.request().describe(), c.budget(), 0, null);
        }
        return chain.proceed(chain.request());
    }
}
