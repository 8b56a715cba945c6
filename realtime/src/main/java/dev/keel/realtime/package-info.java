/**
 * Realtime voice: token broker, session state machine, recovery plans, latency budgets. Built in the
 * realtime issue; the module exists now so the dependency rules hold from the start.
 */
package dev.keel.realtime;
