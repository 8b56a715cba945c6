package dev.keel.core.internal.pipeline;

import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Top of the stack: tells the listener when a call starts and how it ended, and, for a stream, how
 * its body ended (once, however often its reader reports).
 */
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
            return result.stream() == null
                    ? result
                    : result.withStreamEnd(new StreamEnd(listener, chain.context(), ticker, start));
        } catch (KeelException e) {
            listener.callFailed(chain.context(), e, Duration.ofNanos(ticker.read() - start));
            throw e;
        }
    }

    /** Passes a stream's first reported end to the listener and ignores any later report. */
    private static final class StreamEnd implements Consumer<StreamOutcome> {
        private final EventListener listener;
        private final CallContext call;
        private final Ticker ticker;
        private final long start;
        private final AtomicBoolean reported = new AtomicBoolean();

        StreamEnd(EventListener listener, CallContext call, Ticker ticker, long start) {
            this.listener = listener;
            this.call = call;
            this.ticker = ticker;
            this.start = start;
        }

        @Override
        public void accept(StreamOutcome outcome) {
            if (reported.compareAndSet(false, true)) {
                listener.streamEnd(call, outcome, Duration.ofNanos(ticker.read() - start));
            }
        }
    }
}
