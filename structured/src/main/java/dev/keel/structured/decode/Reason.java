package dev.keel.structured.decode;

import java.util.Objects;

/**
 * One reason a decode was not strict, or one repair the compat decode made. Immutable.
 *
 * @param kind what
 * @param field the instance path it concerns (e.g. {@code priority}, {@code items[].id}), or null
 * @param detail the specifics: the raw enum value, the validator's message, the parse position
 */
public record Reason(ReasonKind kind, String field, String detail) {

    public Reason {
        Objects.requireNonNull(kind, "kind");
    }

    public static Reason of(ReasonKind kind, String field, String detail) {
        return new Reason(kind, field, detail);
    }

    /** {@code enum_unknown(ticket_type: "urgent")}. */
    @Override
    public String toString() {
        String inner = field == null ? (detail == null ? "" : detail) : detail == null ? field : field + ": " + detail;
        return kind.token() + (inner.isEmpty() ? "" : "(" + inner + ")");
    }
}
