package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.json.Json;

/**
 * One classified difference between two schema versions. Immutable.
 *
 * @param kind what changed
 * @param pointer the JSON pointer of the changed schema node (in the new schema; in the old one for a
 *     removal)
 * @param field the instance path of the affected value, e.g. {@code priority} or {@code
 *     items[].id}; {@code $} for the root
 * @param detail what changed, in words, e.g. {@code removed [urgent]}
 * @param consumerRisk risk for code reading outputs of the new schema
 * @param inFlightRisk risk for outputs of the old schema read against the new one
 * @param breaking whether it can break a reader; such changes carry a counterexample
 * @param counterexample an output one version accepts and the other rejects (checked with the
 *     validator), or null when none was found or the change is not breaking
 */
public record SchemaChange(
        ChangeKind kind,
        String pointer,
        String field,
        String detail,
        Risk consumerRisk,
        Risk inFlightRisk,
        boolean breaking,
        Counterexample counterexample) {

    /**
     * An output that one version accepts and the other rejects.
     *
     * @param instance the JSON output
     * @param acceptedBy {@code old} or {@code new}: the version that accepts it (the other rejects it)
     */
    public record Counterexample(JsonNode instance, String acceptedBy) {
        /** {@code accepted by old, rejected by new: {...}}. */
        @Override
        public String toString() {
            String rejectedBy = acceptedBy.equals("old") ? "new" : "old";
            return "accepted by " + acceptedBy + ", rejected by " + rejectedBy + ": " + Json.write(instance);
        }
    }

    /** {@code REQUIRED_ADDED(priority)}: the form the recipe and the tests use. */
    public String label() {
        return kind + "(" + field + ")";
    }

    SchemaChange withCounterexample(Counterexample c) {
        return new SchemaChange(kind, pointer, field, detail, consumerRisk, inFlightRisk, breaking, c);
    }

    @Override
    public String toString() {
        return label() + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + detail + " (consumers " + consumerRisk
                + ", in-flight " + inFlightRisk + (breaking ? ", BREAKING" : "") + ")";
    }
}
