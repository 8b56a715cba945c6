/**
 * keel-wire: the leaf that both keel's client (core) and its emulator stand on, so the emulator never
 * shares core's client code. It holds only what speaks the wire format or reads input, and depends on
 * no other keel module: {@link dev.keel.wire.json} (JSON), {@link dev.keel.wire.io} (strict file
 * reading with key positions), {@link dev.keel.wire.tokens} (the tokenizer) and {@link
 * dev.keel.wire.time} (the monotonic ticker).
 */
package dev.keel.wire;
