/**
 * Call policies, each a small type with its own tests: {@link dev.keel.core.policy.Deadline}, {@link
 * dev.keel.core.policy.InFlightLimit}, {@link dev.keel.core.policy.DegradeSignal}; time comes from
 * an injected {@link dev.keel.wire.time.Ticker}.
 */
package dev.keel.core.policy;
