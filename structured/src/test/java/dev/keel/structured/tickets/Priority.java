package dev.keel.structured.tickets;

/** How urgent a ticket is; {@code UNKNOWN} receives values the model invents. */
public enum Priority {
    LOW,
    MEDIUM,
    HIGH,
    URGENT,
    UNKNOWN
}
