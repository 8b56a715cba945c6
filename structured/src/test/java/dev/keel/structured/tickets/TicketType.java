package dev.keel.structured.tickets;

/** What a ticket is about; {@code UNKNOWN} receives values the model invents. */
public enum TicketType {
    BILLING,
    TECHNICAL,
    ACCOUNT,
    OTHER,
    UNKNOWN
}
