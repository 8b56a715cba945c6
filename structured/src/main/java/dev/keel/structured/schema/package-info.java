/**
 * Versioned JSON Schemas: the {@link dev.keel.structured.schema.SchemaRegistry} (files {@code
 * schemas/<name>/<version>.json}, immutable once recorded in {@code schemas.lock}), the strict-mode
 * {@link dev.keel.structured.schema.SchemaLint}, the evolution {@link
 * dev.keel.structured.schema.SchemaDiff} with counterexamples, and the {@link
 * dev.keel.structured.schema.SchemaValidator} over networknt.
 */
package dev.keel.structured.schema;
