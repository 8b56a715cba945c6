package dev.keel.structured.schema;

/** How likely a schema change is to break a reader, from none to high. */
public enum Risk {
    NONE,
    LOW,
    MEDIUM,
    HIGH
}
