/**
 * Traces of keel's calls through the OpenTelemetry API: one client span per logical call with the
 * GenAI semantic conventions, one child span per attempt with the HTTP ones, and W3C trace context
 * on every upstream request. See docs/observability.md.
 */
package dev.keel.core.trace;
