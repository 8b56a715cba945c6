/** The monotonic time source that deadlines, windows and the shared test clock agree on. */
package dev.keel.wire.time;
