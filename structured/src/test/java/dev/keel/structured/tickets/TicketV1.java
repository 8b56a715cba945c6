package dev.keel.structured.tickets;

/** Version 1 of the ticket (schemas/ticket/v1.json). Never edited; v2 is a new type. */
public record TicketV1(String schemaVersion, TicketType ticketType, String summary) {}
