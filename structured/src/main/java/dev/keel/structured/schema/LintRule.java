package dev.keel.structured.schema;

/**
 * The checks of {@link SchemaLint}: OpenAI's strict structured-output subset and its limits
 * (reference: the API's "Supported schemas" guide), plus keel's versioning convention.
 */
public enum LintRule {
    /** The root must be {@code "type": "object"}. */
    ROOT_NOT_OBJECT(Severity.ERROR),
    /** The root must not be an {@code anyOf}. */
    ROOT_ANY_OF(Severity.ERROR),
    /** Every object must set {@code "additionalProperties": false}. */
    ADDITIONAL_PROPERTIES(Severity.ERROR),
    /** Every property must be listed in {@code required}; optional is a {@code null} type union. */
    PROPERTY_NOT_REQUIRED(Severity.ERROR),
    /** {@code required} names a property that is not defined. */
    REQUIRED_UNDEFINED(Severity.ERROR),
    /** A keyword outside the strict subset ({@code allOf}, {@code not}, {@code if}, {@code minLength}, …). */
    UNSUPPORTED_KEYWORD(Severity.ERROR),
    /** {@code default} is not supported in strict mode. */
    DEFAULT_NOT_ALLOWED(Severity.ERROR),
    /** A string {@code format} outside the supported set. */
    UNSUPPORTED_FORMAT(Severity.ERROR),
    /** A {@code type} that is not a JSON Schema type. */
    UNKNOWN_TYPE(Severity.ERROR),
    /** A {@code $ref} that does not resolve inside the document. */
    UNRESOLVED_REF(Severity.ERROR),
    /** A {@code $ref} to another document (a URL or a file): the API resolves only refs inside the schema. */
    EXTERNAL_REF(Severity.ERROR),
    /** A {@code $ref} cycle every link of which is required: no finite output satisfies it. */
    REF_CYCLE(Severity.ERROR),
    /** A node no value satisfies: an empty enum or type list, a minimum above the maximum. */
    UNSATISFIABLE(Severity.ERROR),
    /** More than 10 levels of nesting. */
    DEPTH_LIMIT(Severity.ERROR),
    /** More than 5,000 object properties in total. */
    PROPERTY_LIMIT(Severity.ERROR),
    /** More than 1,000 enum values in total. */
    ENUM_VALUE_LIMIT(Severity.ERROR),
    /** A string enum with more than 250 values whose values total more than 15,000 characters. */
    ENUM_SIZE_LIMIT(Severity.ERROR),
    /** Property names, definition names, enum and const values total more than 120,000 characters. */
    STRING_SIZE_LIMIT(Severity.ERROR),
    /** keel's convention: the root has a required {@code schema_version} fixed by a one-value enum. */
    SCHEMA_VERSION(Severity.WARNING);

    /** How bad a finding is: an ERROR makes the API refuse the schema; a WARNING is keel's convention. */
    public enum Severity {
        ERROR,
        WARNING
    }

    private final Severity severity;

    LintRule(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
