package dev.keel.core.pipeline;

import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.policy.Ticker;
import java.time.Duration;

/** Top of the stack: tells the listener when a call starts and how it ended. */
final class ObserveInterceptor implements Interceptor {

    private final EventListener listener;
    private final Ticker ticker;

    ObserveInterceptor(EventListener listener, Ticker ticker) {
        this.listener = listener;
        this.ticker = ticker;
    }

    @Override
    public HttpResult intercept(Chain chain) {
        long start = ticker.read();
        listener.callStart(chain.context());
        try {
            HttpResult result = chain.proceed(chain.request());
            listener.callEnd(chain.context(), result, Duration.ofNanos(ticker.read() - start));
            return result;
        } catch (KeelException e) {
            listener.callFailed(chain.context(), e, Duration.ofNanos(ticker.read() - start));
            throw e;
        }
    }
}
