package dev.keel.core.fallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keel.core.CallOptions;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.ResultSource;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fallback policy for calls refused by an open circuit breaker: it keeps the last good answer
 * per fallback key (Caffeine, at most {@link FallbackConfig#lastKnownGoodEntries()}, each for
 * {@link FallbackConfig#lastKnownGoodTtl()} on the client's {@link Ticker}), and serves a
 * non-critical call, in this order, the last known good answer for its key, else the first
 * registered {@link FallbackHandler} that answers; either is flagged partial ({@link
 * ResultSource}). A critical call, a stream, or a call nothing answers gets no fallback. Thread-safe.
 */
public final class Fallback {

    private static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json"));

    private final FallbackConfig config;
    private final Cache<String, HttpResult> lastKnownGood;
    private final List<FallbackHandler> handlers;

    /** @param handlers the caller's fallbacks, asked in order */
    public Fallback(FallbackConfig config, List<FallbackHandler> handlers, Ticker ticker) {
        this.config = config;
        this.handlers = List.copyOf(handlers);
        this.lastKnownGood = Caffeine.newBuilder()
                .maximumSize(config.lastKnownGoodEntries())
                .expireAfterWrite(config.lastKnownGoodTtl())
                .ticker(ticker::read)
                .executor(Runnable::run)
                .build();
    }

    /** Keeps {@code result} as the last good answer under the call's fallback key, when it has one and is buffered. */
    public void remember(CallOptions options, HttpResult result) {
        if (options.fallbackKey() != null && result.stream() == null && !result.partial()) {
            lastKnownGood.put(
                    options.fallbackKey(),
                    HttpResult.served(ResultSource.LAST_KNOWN_GOOD, result.status(), result.headers(), result.body()));
        }
    }

    /** The fallback answer for a call its breaker refused, or empty when it gets none. */
    public Optional<HttpResult> serve(HttpCall call, CallOptions options) {
        if (options.critical() || call.streaming()) {
            return Optional.empty();
        }
        if (options.fallbackKey() != null) {
            HttpResult kept = lastKnownGood.getIfPresent(options.fallbackKey());
            if (kept != null) {
                return Optional.of(kept);
            }
        }
        for (FallbackHandler h : handlers) {
            Optional<com.fasterxml.jackson.databind.JsonNode> answer = h.answer(call, options);
            if (answer.isPresent()) {
                return Optional.of(HttpResult.served(ResultSource.FALLBACK, 200, JSON, Json.writeBytes(answer.get())));
            }
        }
        return Optional.empty();
    }

    /** Whether a call with these options may be remembered or served: the pipeline skips the rest. */
    public boolean concerns(CallOptions options) {
        return options.fallbackKey() != null || !options.critical();
    }

    public FallbackConfig config() {
        return config;
    }
}
