/**
 * keel's OpenAI-compatible gateway: an HTTP server speaking OpenAI's paths that authenticates its
 * own keys, enforces per-key rate, concurrency and spend limits (shared through Redis or PostgreSQL
 * across processes), deduplicates {@code Idempotency-Key} calls, and forwards every call through
 * keel's one pipeline ({@link dev.keel.core.KeelClient}) via the raw-request path {@link
 * dev.keel.core.http.RawCall}. Entry point: {@link dev.keel.gateway.Gateway}.
 */
package dev.keel.gateway;
