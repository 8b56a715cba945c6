/**
 * The transport's public values: a call ({@link dev.keel.core.http.HttpCall}), its answer ({@link
 * dev.keel.core.http.HttpResult}) with per-attempt phase timings ({@link
 * dev.keel.core.http.PhaseTimings}), the pool settings, and the WebSocket transport. The Jetty client
 * that runs an attempt is in {@code dev.keel.core.internal.http}; every policy lives above it in the
 * pipeline.
 */
package dev.keel.core.http;
