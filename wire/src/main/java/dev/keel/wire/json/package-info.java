/** JSON helpers: the one Jackson configuration for the OpenAI wire format, shared by keel's client and its emulator. */
package dev.keel.wire.json;
