package dev.keel.structured.schema;

/**
 * Two schemas cannot be compared: one of them is not a JSON object, has a {@code $ref} that points
 * outside the document or does not resolve, or has an unsatisfiable {@code $ref} cycle. The message
 * names the side ({@code old} or {@code new}), the JSON pointer and the ref as written. An {@link
 * IllegalArgumentException}, so the CLI exits 2 (bad input).
 */
public final class SchemaNotComparableException extends IllegalArgumentException {

    public SchemaNotComparableException(String message) {
        super(message);
    }
}
