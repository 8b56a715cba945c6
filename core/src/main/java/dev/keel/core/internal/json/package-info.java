/** The byte-level JSON member scanner behind {@code dev.keel.core.json.JsonPeek} and the meters. Not API. */
package dev.keel.core.internal.json;
