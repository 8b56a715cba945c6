/**
 * The keel emulator: a local OpenAI-compatible server ({@link dev.keel.emulator.Emulator}) with
 * fault injection, used by every keel test and by the CLI's sandbox mode. It may use core's JSON
 * helpers and tokenizer, never core's client.
 */
package dev.keel.emulator;
