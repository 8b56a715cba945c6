package dev.keel.structured.schema;

/**
 * The kinds of change {@link SchemaDiff} reports. Roles: the model produces outputs, our code reads
 * them. "Consumers" is the risk when code reads outputs produced under the new schema; "in-flight"
 * is the risk when outputs produced under the old schema (queued, stored, cached, or answered during
 * the switch) are read against the new one. A change is breaking when one version accepts an output
 * the other rejects in a direction a reader meets; {@link SchemaDiff} proves each breaking change with
 * a counterexample.
 */
public enum ChangeKind {
    /** A property became required (new, or formerly optional): old outputs lack it; the model may omit it. */
    REQUIRED_ADDED(Risk.HIGH, Risk.HIGH, true),
    /** A property is no longer required: outputs may lack it, and code that reads it meets a missing value. */
    REQUIRED_REMOVED(Risk.HIGH, Risk.NONE, true),
    /** An optional property was added (outside strict mode): readers that ignore it are fine. */
    FIELD_ADDED(Risk.LOW, Risk.NONE, false),
    /** A property was removed: code that reads it gets nothing; old outputs carry a property now refused. */
    FIELD_REMOVED(Risk.HIGH, Risk.MEDIUM, true),
    /** A value's type changed (e.g. string to array): both directions break. */
    TYPE_CHANGED(Risk.HIGH, Risk.HIGH, true),
    /** A value became nullable (readers meet null) or non-nullable (old nulls are refused). */
    NULLABILITY_CHANGED(Risk.HIGH, Risk.HIGH, true),
    /** Enum values were removed: old outputs holding them are refused, and a prompt may still produce them. */
    ENUM_NARROWED(Risk.MEDIUM, Risk.HIGH, true),
    /** Enum values were added: code that does not know them meets an unknown value. */
    ENUM_WIDENED(Risk.HIGH, Risk.NONE, true),
    /**
     * An {@code anyOf}/{@code oneOf} branch was added: outputs of the new schema may take a shape old
     * readers do not know.
     */
    BRANCH_ADDED(Risk.HIGH, Risk.NONE, true),
    /**
     * An {@code anyOf}/{@code oneOf} branch was removed: old outputs of that shape are refused, and a
     * prompt may still produce it.
     */
    BRANCH_REMOVED(Risk.MEDIUM, Risk.HIGH, true),
    /** A bound got stricter (minimum, maximum, minItems, maxItems): some old outputs are refused. */
    CONSTRAINT_TIGHTENED(Risk.LOW, Risk.MEDIUM, true),
    /** A bound got looser: readers that relied on it may meet larger or smaller values. */
    CONSTRAINT_LOOSENED(Risk.MEDIUM, Risk.NONE, false),
    /** A {@code pattern} or {@code format} changed: review by hand; no counterexample is generated. */
    FORMAT_CHANGED(Risk.MEDIUM, Risk.MEDIUM, false),
    /**
     * The root {@code schema_version} literal changed (e.g. v1 to v2): expected for a new version, since
     * outputs are routed by it, so it is reported but not counted as breaking.
     */
    VERSION_CHANGED(Risk.NONE, Risk.NONE, false),
    /** A {@code description} or {@code title} changed: it steers the model like a prompt; watch the compat rate. */
    DESCRIPTION_CHANGED(Risk.LOW, Risk.NONE, false);

    private final Risk consumers;
    private final Risk inFlight;
    private final boolean breaking;

    ChangeKind(Risk consumers, Risk inFlight, boolean breaking) {
        this.consumers = consumers;
        this.inFlight = inFlight;
        this.breaking = breaking;
    }

    /** The usual risk for code reading outputs of the new schema (a change may refine it). */
    public Risk consumerRisk() {
        return consumers;
    }

    /** The usual risk for outputs of the old schema read against the new one (a change may refine it). */
    public Risk inFlightRisk() {
        return inFlight;
    }

    public boolean breaking() {
        return breaking;
    }
}
