/**
 * Metrics: the transport, cost and GenAI meters (Micrometer listeners on the pipeline's events), the
 * retry-storm alerts, the metric names ({@link dev.keel.core.metrics.MetricNames}), and {@link
 * dev.keel.core.metrics.WindowCounts} for other modules' windowed gauges.
 */
package dev.keel.core.metrics;
