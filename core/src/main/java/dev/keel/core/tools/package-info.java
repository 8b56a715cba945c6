/**
 * Tool calling: the {@link dev.keel.core.tools.ToolLoop} that runs a model ↔ tool conversation through
 * the pipeline, each tool's side effect at most once per step through {@code
 * dev.keel.core.idempotency.ExactlyOnceToolExecutor}.
 */
package dev.keel.core.tools;
