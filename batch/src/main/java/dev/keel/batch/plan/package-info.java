/** Plan: read and validate JSONL input, count tokens, price it, split it into chunks and record it. */
package dev.keel.batch.plan;
