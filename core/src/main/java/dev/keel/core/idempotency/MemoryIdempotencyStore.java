package dev.keel.core.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;

/** Idempotency records in this process's memory (Caffeine, per-entry TTL): tests and single-process services. Thread-safe. */
public final class MemoryIdempotencyStore implements IdempotencyStore {

    private record Entry(boolean done, String token, String hash, String result, long expiresAtMillis) {}

    private final InstantSource clock;
    private final Cache<String, Entry> entries;

    public MemoryIdempotencyStore(InstantSource clock) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .expireAfter(Expiry.creating(
                        (String k, Entry e) -> Duration.ofMillis(Math.max(0, e.expiresAtMillis() - clock.millis()))))
                .build();
    }

    @Override
    public Claim claim(IdempotencyKey key, Duration ttl) {
        String token = UUID.randomUUID().toString();
        long now = clock.millis();
        Entry e = entries.asMap()
                .compute(
                        key.value(),
                        (k, old) -> old == null || old.expiresAtMillis() <= now
                                ? new Entry(false, token, null, null, now + ttl.toMillis())
                                : old);
        if (!e.done() && e.token().equals(token)) {
            return new Claim.Acquired(token);
        }
        return e.done() ? new Claim.Done(e.hash(), e.result()) : new Claim.InProgress();
    }

    @Override
    public boolean complete(IdempotencyKey key, String token, String result, Duration ttl) {
        long expires = clock.millis() + ttl.toMillis();
        Entry after = entries.asMap()
                .computeIfPresent(
                        key.value(),
                        (k, old) -> !old.done() && old.token().equals(token)
                                ? new Entry(true, token, IdempotencyStore.hash(result), result, expires)
                                : old);
        return after != null && after.done() && after.token().equals(token);
    }

    @Override
    public void release(IdempotencyKey key, String token) {
        entries.asMap()
                .computeIfPresent(
                        key.value(), (k, old) -> !old.done() && old.token().equals(token) ? null : old);
    }
}
