/**
 * Waiting, injected: the {@link dev.keel.core.time.Sleeper} the retry layer and the tool executor wait
 * through, so tests move a fake clock instead of sleeping. The monotonic clock is keel-wire's {@code
 * dev.keel.wire.time.Ticker}.
 */
package dev.keel.core.time;
