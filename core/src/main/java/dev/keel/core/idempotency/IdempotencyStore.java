package dev.keel.core.idempotency;

import java.time.Duration;

/**
 * Where idempotency records live: an atomic put-if-absent of PENDING with a TTL, DONE with the
 * result once the work succeeded, and release on a final failure. Implementations: {@link
 * MemoryIdempotencyStore} (one process, here in core); {@code dev.keel.store.jdbc.JdbcIdempotencyStore}
 * (SQLite, PostgreSQL; artifact {@code keel-store-jdbc}) and {@code
 * dev.keel.store.redis.RedisIdempotencyStore} (many processes; artifact {@code keel-store-redis}), so
 * core itself carries no database driver. All are thread-safe.
 */
public interface IdempotencyStore {

    /** The outcome of asking for a key. */
    sealed interface Claim {
        /** This caller owns the key now (PENDING); {@code token} proves it on complete/release. */
        record Acquired(String token) implements Claim {}

        /** Someone else is doing the work right now. */
        record InProgress() implements Claim {}

        /** The work is done; here is its result. */
        record Done(String resultHash, String result) implements Claim {}
    }

    /** Takes the key as PENDING for {@code ttl} unless someone holds it or it is DONE. */
    Claim claim(IdempotencyKey key, Duration ttl);

    /** Marks the key DONE with its result for {@code ttl}; false when {@code token} no longer owns it. */
    boolean complete(IdempotencyKey key, String token, String result, Duration ttl);

    /** Lets go of a PENDING key after a final failure, so a later call may try again. */
    void release(IdempotencyKey key, String token);

    /** A short, stable hash of a result ({@code DONE:<hash>}). */
    static String hash(String result) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(result.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
