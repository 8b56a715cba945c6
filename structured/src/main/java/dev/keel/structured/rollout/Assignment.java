package dev.keel.structured.rollout;

import dev.keel.structured.decode.CompatFallback;

/**
 * What the rollout decided for one call. Immutable.
 *
 * @param version the schema version to request
 * @param arm canary or baseline
 * @param compatFallback how to decode the answer
 */
public record Assignment(String version, Arm arm, CompatFallback compatFallback) {}
