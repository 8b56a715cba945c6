package dev.keel.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Calls in flight per key in this process ({@link KeyLimits#concurrency()}); a call over the limit
 * is refused at once, never queued. Thread-safe.
 */
final class Concurrency {

    private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

    boolean tryAcquire(GatewayKey key) {
        int limit = key.limits().concurrency();
        return limit == 0 || semaphore(key, limit).tryAcquire();
    }

    void release(GatewayKey key) {
        int limit = key.limits().concurrency();
        if (limit != 0) {
            semaphore(key, limit).release();
        }
    }

    private Semaphore semaphore(GatewayKey key, int limit) {
        return permits.computeIfAbsent(key.id() + ":" + limit, k -> new Semaphore(limit));
    }
}
