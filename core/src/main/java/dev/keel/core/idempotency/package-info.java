/**
 * Idempotency: business-field keys ({@link dev.keel.core.idempotency.IdempotencyKey}), stores
 * (memory here; JDBC and Redis in {@code keel-store-jdbc} and {@code keel-store-redis}) with atomic
 * put-if-absent and TTL, and the {@link
 * dev.keel.core.idempotency.ExactlyOnceToolExecutor} that runs a tool's side effect at most once per key.
 */
package dev.keel.core.idempotency;
