package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;

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
 *     validator), or null when none was found, none was built or the change is not breaking
 * @param exampleSkipped whether no counterexample was built because enough changes of this kind
 *     already carry one ({@link SchemaDiff#EXAMPLES_PER_KIND})
 */
public record SchemaChange(
        ChangeKind kind,
        String pointer,
        String field,
        String detail,
        Risk consumerRisk,
        Risk inFlightRisk,
        boolean breaking,
        Counterexample counterexample,
        boolean exampleSkipped) {

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
        return new SchemaChange(kind, pointer, field, detail, consumerRisk, inFlightRisk, breaking, c, false);
    }

    SchemaChange withoutExample() {
        return new SchemaChange(kind, pointer, field, detail, consumerRisk, inFlightRisk, breaking, null, true);
    }

    /**
     * The counterexample in words, for a breaking change: {@code accepted by old, rejected by new: {...}},
     * {@code none found: review this change by hand}, or {@code not built: ...} past the first
     * {@link SchemaDiff#EXAMPLES_PER_KIND} of its kind; null for a change that is not breaking.
     */
    public String example() {
        if (!breaking) {
            return null;
        }
        if (counterexample != null) {
            return counterexample.toString();
        }
        return exampleSkipped
                ? "not built: counterexamples are built for the first " + SchemaDiff.EXAMPLES_PER_KIND
                        + " changes of each kind"
                : "none found: review this change by hand";
    }

    @Override
    public String toString() {
        return label() + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + detail + " (consumers " + consumerRisk
                + ", in-flight " + inFlightRisk + (breaking ? ", BREAKING" : "") + ")";
    }
}
