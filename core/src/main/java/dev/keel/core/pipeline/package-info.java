/**
 * What a caller sees of the call pipeline: the per-call {@link dev.keel.core.pipeline.CallContext}
 * and the {@link dev.keel.core.pipeline.EventListener} that observes each call, attempt, retry
 * decision and breaker move (add one with {@code KeelClient.Builder.listener}). The pipeline itself
 * — its interceptors and their order — is not API: it lives in {@code dev.keel.core.internal.pipeline}
 * and is extended through listeners and fallbacks, not by inserting interceptors.
 */
package dev.keel.core.pipeline;
