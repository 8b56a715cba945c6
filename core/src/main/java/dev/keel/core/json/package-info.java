/** JSON helpers: the one Jackson configuration for the OpenAI wire format. */
package dev.keel.core.json;
