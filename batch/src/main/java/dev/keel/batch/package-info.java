/**
 * The batch pipeline: move delay-tolerant work to the Batch API at half price without losing or
 * duplicating an item.
 *
 * <p>{@link dev.keel.batch.plan} reads and validates JSONL input and splits it into chunks; {@link
 * dev.keel.batch.ledger} records every item, chunk and intent in SQLite or PostgreSQL; {@link
 * dev.keel.batch.run} submits, polls, collects, routes failures and replays them; {@link
 * dev.keel.batch.report} exports results and reports cost and failure rates. {@link BatchQueue} is
 * the library entry point for services.
 */
package dev.keel.batch;
