/**
 * The ledger: every run, chunk, item, result and intent, in SQLite (default) or PostgreSQL, one
 * schema created by Flyway ({@code db/batch}).
 */
package dev.keel.batch.ledger;
