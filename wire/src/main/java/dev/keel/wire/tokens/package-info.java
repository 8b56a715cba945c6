/** Token counting with OpenAI's tokenizers, for cost ceilings (core, batch) and usage (the emulator). */
package dev.keel.wire.tokens;
