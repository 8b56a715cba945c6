/** Service-level objectives: the {@link dev.keel.core.slo.ErrorBudget} with its burn rates, its {@link dev.keel.core.slo.SloConfig}, and the listener that feeds it and the degrade signal. */
package dev.keel.core.slo;
