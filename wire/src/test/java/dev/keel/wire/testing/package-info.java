/** Test fixtures shared by every module's tests, the emulator's included (published as keel-wire's test-jar). */
package dev.keel.wire.testing;
