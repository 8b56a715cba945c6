package dev.keel.structured.decode;

import java.util.Locale;

/** Why a decode was not strict, or what the compat decode had to repair. */
public enum ReasonKind {
    /** The output is not JSON. */
    INVALID_JSON,
    /** The output is JSON but not an object. */
    NOT_AN_OBJECT,
    /** No {@code schema_version} in the output, though the schema defines one. */
    MISSING_VERSION,
    /** A {@code schema_version} no registered version has. */
    UNKNOWN_VERSION,
    /** Another registered version than the one requested; decoded as that one and upcast. */
    VERSION_MISMATCH,
    /** The output does not validate against its version's schema. */
    SCHEMA_VIOLATION,
    /** The output validates but does not bind to the version's type. */
    BIND_FAILED,
    /** A property the schema does not define; ignored. */
    UNKNOWN_PROPERTY,
    /** A missing or unusable field got its default. */
    FIELD_DEFAULTED,
    /** A required field is missing and has no default. */
    FIELD_MISSING,
    /** A value outside its enum; mapped to {@code unknown}, the raw value kept in the detail. */
    ENUM_UNKNOWN,
    /** A value of the wrong JSON type. */
    WRONG_TYPE,
    /** Compat forced by configuration (logic rollback). */
    FORCED_COMPAT,
    /** The model refused; the refusal text is the summary. */
    REFUSAL,
    /** The response is {@code incomplete} (e.g. {@code max_output_tokens}); the partial text is the summary. */
    INCOMPLETE,
    /** The response has no output text. */
    EMPTY_OUTPUT,
    /** A business rule found a required field missing with no default. */
    BUSINESS_FIELD_MISSING;

    /** Lower-case, e.g. {@code enum_unknown}: the form logs and metric labels use. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
