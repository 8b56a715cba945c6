/** Schema walking helpers shared by lint, diff and the compat decoder. Not API. */
package dev.keel.structured.schema.internal;
