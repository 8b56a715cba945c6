/**
 * Decoding model outputs without ever failing a request on a bad sample: {@link
 * dev.keel.structured.decode.StructuredDecoder} returns a sealed {@link
 * dev.keel.structured.decode.Decoded} ({@code Strict}, {@code Compat} or {@code Summary}), runs the
 * business rules, and reports every decode to {@link dev.keel.structured.decode.DecodeListener}s
 * (the log line and the {@code structured_*} metrics).
 */
package dev.keel.structured.decode;
