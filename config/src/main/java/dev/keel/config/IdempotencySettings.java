package dev.keel.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Where idempotency records live and for how long: the model's view of the store; whoever has the
 * driver builds it ({@code MemoryIdempotencyStore}, a JDBC store on {@link #url()}, a Redis store on
 * {@link #url()}). Immutable.
 *
 * @param kind memory, jdbc or redis
 * @param url the JDBC or Redis URL, or null for memory
 * @param ttl how long a completed record answers a repeated key
 */
public record IdempotencySettings(Kind kind, String url, Duration ttl) {

    /** The kinds of store. */
    public enum Kind {
        MEMORY,
        JDBC,
        REDIS
    }

    /** Reads {@code idempotency.store}. @throws IllegalArgumentException as {@link #problem} says */
    static IdempotencySettings of(String store, Duration ttl) {
        String p = problem(store);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
        String s = store.toLowerCase(Locale.ROOT);
        if (s.equals("memory")) {
            return new IdempotencySettings(Kind.MEMORY, null, ttl);
        }
        return new IdempotencySettings(s.startsWith("jdbc:") ? Kind.JDBC : Kind.REDIS, store, ttl);
    }

    /** Null when {@code store} names a store keel knows, else what is allowed. */
    static String problem(String store) {
        String s = store.toLowerCase(Locale.ROOT);
        boolean ok = s.equals("memory")
                || (s.startsWith("jdbc:") && s.length() > 5)
                || s.startsWith("redis://")
                || s.startsWith("rediss://");
        return ok
                ? null
                : "must be memory, a JDBC URL (jdbc:postgresql://HOST/DB) or a Redis URL (redis://HOST:6379), was '"
                        + store + "'";
    }

    /** The URL with any password replaced, for show and logs. */
    public String redactedUrl() {
        return url == null ? "memory" : Redaction.url(url);
    }
}
