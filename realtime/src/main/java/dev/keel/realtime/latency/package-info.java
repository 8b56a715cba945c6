/**
 * End-to-end latency budgets of realtime voice turns: the segments, their budgets, a verdict per
 * turn naming the segment that overran, the realtime metrics and the recipe's alerts.
 */
package dev.keel.realtime.latency;
