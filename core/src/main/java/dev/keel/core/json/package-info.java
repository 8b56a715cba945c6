/**
 * Peeking at JSON bytes without parsing them ({@link dev.keel.core.json.JsonPeek}), for adapters that
 * route or meter bodies on the hot path. The JSON helpers themselves are keel-wire's {@code
 * dev.keel.wire.json}.
 */
package dev.keel.core.json;
