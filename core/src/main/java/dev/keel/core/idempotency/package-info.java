/**
 * Idempotency: business-field keys ({@link dev.keel.core.idempotency.IdempotencyKey}), stores
 * (memory, JDBC on SQLite or PostgreSQL, Redis) with atomic put-if-absent and TTL, and the {@link
 * dev.keel.core.idempotency.ExactlyOnceToolExecutor} that runs a tool's side effect at most once per key.
 */
package dev.keel.core.idempotency;
