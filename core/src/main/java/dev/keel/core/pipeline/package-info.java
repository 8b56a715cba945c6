/**
 * The call pipeline: an immutable chain of {@link dev.keel.core.internal.pipeline.Interceptor}s assembled in
 * {@link dev.keel.core.internal.pipeline.Pipeline#builtIn}, the per-call {@link
 * dev.keel.core.pipeline.CallContext}, and the {@link dev.keel.core.pipeline.EventListener} that
 * observes it.
 */
package dev.keel.core.pipeline;
