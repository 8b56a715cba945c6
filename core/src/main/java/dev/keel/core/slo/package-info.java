/** Service-level objectives: the {@link dev.keel.core.slo.ErrorBudget} with its burn rates and alerts, and the metric names. */
package dev.keel.core.slo;
