/**
 * Realtime voice (recipe A3): {@code token} issues and rotates ephemeral tokens, {@code session}
 * runs the turn/interrupt state machine with recovery, {@code latency} measures each turn against
 * its budgets.
 */
package dev.keel.realtime;
