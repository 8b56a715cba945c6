package dev.keel.core.internal.pipeline;

import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.pipeline.CallContext;
import java.util.List;

/** The immutable chain: each {@link #proceed} hands the next layer a chain one index further on. */
final class RealChain implements Interceptor.Chain {

    private final List<Interceptor> interceptors;
    private final int index;
    private final HttpCall request;
    private final CallContext context;

    RealChain(List<Interceptor> interceptors, int index, HttpCall request, CallContext context) {
        this.interceptors = interceptors;
        this.index = index;
        this.request = request;
        this.context = context;
    }

    @Override
    public HttpCall request() {
        return request;
    }

    @Override
    public CallContext context() {
        return context;
    }

    @Override
    public HttpResult proceed(HttpCall next) {
        return proceed(next, context);
    }

    @Override
    public HttpResult proceed(HttpCall next, CallContext nextContext) {
        if (index >= interceptors.size()) {
            throw new IllegalStateException("the last interceptor must answer, not proceed");
        }
        return interceptors.get(index).intercept(new RealChain(interceptors, index + 1, next, nextContext));
    }
}
