/** The sliding-window counts behind the breaker, the degrade signal and the retry budget. Not API. */
package dev.keel.core.internal.policy;
