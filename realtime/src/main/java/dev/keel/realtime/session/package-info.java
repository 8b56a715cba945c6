/**
 * The realtime session controller for server-side bridges over WebSocket: phases and their legal
 * transitions, interrupts with cancel and truncate, recovery plans and reconnects, the bounded
 * summary replay, and the connection through core's WebSocket transport.
 */
package dev.keel.realtime.session;
