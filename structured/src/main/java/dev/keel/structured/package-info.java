/**
 * Structured outputs: {@link dev.keel.structured.StructuredClient} sends Responses calls with a
 * strict {@code json_schema} format built from a registered schema, picks the schema version per
 * routing key from the {@link dev.keel.structured.rollout.Rollout}, and decodes every answer into a
 * {@link dev.keel.structured.decode.Decoded} without ever failing the request on a bad sample. The
 * schema tools (registry, lint, diff) are in {@code schema}, decoding in {@code decode}, canary and
 * rollback in {@code rollout}.
 */
package dev.keel.structured;
