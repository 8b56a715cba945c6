/**
 * Canary rollout and rollback of schema versions without a code change: {@link
 * dev.keel.structured.rollout.RolloutConfig} from the environment, {@code keel.yaml} or code; the
 * sticky {@link dev.keel.structured.rollout.CanaryAssigner}; and the live {@link
 * dev.keel.structured.rollout.Rollout}, which re-reads its file while running and rolls the canary
 * back by itself when its fallback rate exceeds the baseline's.
 */
package dev.keel.structured.rollout;
