/**
 * The batch pipeline: plan (read, validate, split), ledger, submit, poll, collect, replay, report.
 * Built in the batch issue; the module exists now so the dependency rules hold from the start.
 */
package dev.keel.batch;
