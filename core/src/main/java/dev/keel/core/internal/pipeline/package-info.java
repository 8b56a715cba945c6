/**
 * The call pipeline's machinery: an immutable chain of {@link dev.keel.core.internal.pipeline.Interceptor}s
 * assembled in one method, {@link dev.keel.core.internal.pipeline.Pipeline#builtIn}. Not API.
 */
package dev.keel.core.internal.pipeline;
