/** Test fixtures shared by every module's tests (published as keel-core's test-jar; the clock is keel-wire's {@code dev.keel.wire.testing.FakeClock}). */
package dev.keel.core.testing;
