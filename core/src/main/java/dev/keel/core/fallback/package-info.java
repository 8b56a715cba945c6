/**
 * What a call gets while its circuit breaker is open: the last known good answer for its fallback
 * key, or a fallback the caller registered, flagged partial ({@link dev.keel.core.fallback.Fallback}).
 */
package dev.keel.core.fallback;
