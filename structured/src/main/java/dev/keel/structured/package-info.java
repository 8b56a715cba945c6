/**
 * Structured outputs: schema registry, strict-mode lint, evolution diff, decoding and rollout. Built
 * in the structured-outputs issue; the module exists now so the dependency rules hold from the start.
 */
package dev.keel.structured;
