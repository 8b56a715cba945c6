/** Test fixtures shared by every module's tests (published as keel-core's test-jar). */
package dev.keel.core.testing;
