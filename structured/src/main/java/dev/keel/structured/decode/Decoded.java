package dev.keel.structured.decode;

import java.util.List;
import java.util.Objects;

/**
 * The result of decoding one model output: always a value the caller can use, never an exception.
 * Handle it with an exhaustive {@code switch}:
 *
 * <pre>{@code
 * switch (decoded) {
 *     case Decoded.Strict<Ticket> s -> route(s.value());
 *     case Decoded.Compat<Ticket> c -> routeWithCare(c.value(), c.reasons());
 *     case Decoded.Summary<Ticket> s -> sendToHuman(s.rawText(), s.reason());
 * }
 * }</pre>
 *
 * Immutable.
 */
public sealed interface Decoded<T> {

    DecodeMode mode();

    /** The schema version the output declared (null when it declared none or was not JSON). */
    String version();

    /**
     * The output validated against its version's schema and bound to its type (upcast to the current
     * type when it is an older version), and the business rules passed unchanged.
     */
    record Strict<T>(T value, String version) implements Decoded<T> {
        public Strict {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public DecodeMode mode() {
            return DecodeMode.STRICT;
        }
    }

    /**
     * The output was read tolerantly: unknown properties ignored, defaults for missing fields, unknown
     * enum values mapped to {@code unknown}, older versions upcast. {@code reasons} lists every repair,
     * first the one that made strict fail.
     */
    record Compat<T>(T value, String version, List<Reason> reasons) implements Decoded<T> {
        public Compat {
            Objects.requireNonNull(value, "value");
            reasons = List.copyOf(reasons);
        }

        @Override
        public DecodeMode mode() {
            return DecodeMode.COMPAT;
        }
    }

    /**
     * No usable value: the raw text (or refusal) for a human-readable fallback, and why.
     *
     * @param rawText the model's text, the refusal, or the partial text of an incomplete answer
     * @param reason why the output could not be used
     * @param version the declared version, if any could be read
     */
    record Summary<T>(String rawText, Reason reason, String version) implements Decoded<T> {
        public Summary {
            rawText = rawText == null ? "" : rawText;
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public DecodeMode mode() {
            return DecodeMode.SUMMARY;
        }
    }
}
