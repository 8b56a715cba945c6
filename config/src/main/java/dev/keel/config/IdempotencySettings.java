package dev.keel.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Where idempotency records live and for how long: the model's view of the store; whoever has the
 * driver builds it ({@code MemoryIdempotencyStore}, a JDBC store on {@link #url()}, a Redis store on
 * {@link #url()}). Immutable.
 *
 * @param kind memory, jdbc or redis
 * @param url the JDBC or Redis URL; null for memory, and for {@code jdbc} / {@code redis}: the
 *     application's own DataSource / Redis connection (Spring Boot starter)
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
        if (s.equals("jdbc") || s.equals("redis")) {
            return new IdempotencySettings(s.equals("jdbc") ? Kind.JDBC : Kind.REDIS, null, ttl);
        }
        return new IdempotencySettings(s.startsWith("jdbc:") ? Kind.JDBC : Kind.REDIS, store, ttl);
    }

    /** Null when {@code store} names a store keel knows, else what is allowed. */
    static String problem(String store) {
        String s = store.toLowerCase(Locale.ROOT);
        boolean ok = s.equals("memory")
                || s.equals("jdbc")
                || s.equals("redis")
                || (s.startsWith("jdbc:") && s.length() > 5)
                || s.startsWith("redis://")
                || s.startsWith("rediss://");
        return ok
                ? null
                : "must be memory, a JDBC URL (jdbc:postgresql://HOST/DB), a Redis URL (redis://HOST:6379), or"
                        + " jdbc / redis for a Spring application's own DataSource / Redis connection, was '"
                        + store + "'";
    }

    /** The URL with any password replaced, for show and logs. */
    public String redactedUrl() {
        if (url == null) {
            return kind == Kind.MEMORY ? "memory" : kind.name().toLowerCase(Locale.ROOT) + " (the application's own)";
        }
        return Redaction.url(url);
    }
}
