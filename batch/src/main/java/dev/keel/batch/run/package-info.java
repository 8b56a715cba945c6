/**
 * Run: submit chunks, poll their batches on a schedule, collect and route every line, replay
 * retryable failures at most three times, hold at a cost ceiling — crash-safe through the ledger.
 */
package dev.keel.batch.run;
