package dev.keel.structured.tickets;

import java.util.List;

/** Version 2 of the ticket (schemas/ticket/v2.json): adds priority and actions. The current type. */
public record TicketV2(
        String schemaVersion, TicketType ticketType, Priority priority, String summary, List<String> actions) {

    /** v1 → v2: a v1 ticket had no priority (MEDIUM, the triage default) and no actions. */
    public static TicketV2 upcast(TicketV1 v1) {
        return new TicketV2("v2", v1.ticketType(), Priority.MEDIUM, v1.summary(), List.of());
    }

    public TicketV2 withPriority(Priority p) {
        return new TicketV2(schemaVersion, ticketType, p, summary, actions);
    }
}
