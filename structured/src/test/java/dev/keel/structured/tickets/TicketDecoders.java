package dev.keel.structured.tickets;

import dev.keel.structured.decode.BusinessRules;
import dev.keel.structured.decode.DecodeListener;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.schema.Tickets;
import java.util.function.Function;

/** The ticket decoder the tests share: v1 and v2 into TicketV2, with the example's defaults and rules. */
public final class TicketDecoders {

    private TicketDecoders() {}

    public static SchemaRegistry registry() {
        return SchemaRegistry.load(Tickets.SCHEMAS, false);
    }

    public static StructuredDecoder<TicketV2> decoder(SchemaRegistry registry, DecodeListener listener) {
        return StructuredDecoder.builder(registry, "ticket", TicketV2.class)
                .version("v1", TicketV1.class, TicketV2::upcast)
                .version("v2", TicketV2.class, Function.identity())
                .defaultValue("priority", "medium")
                .businessRules(BusinessRules.<TicketV2>builder()
                        .require(
                                "summary",
                                t -> t.summary() == null || t.summary().isBlank())
                        .defaultIfMissing(
                                "priority", t -> t.priority() == Priority.UNKNOWN, t -> t.withPriority(Priority.MEDIUM))
                        .build())
                .listener(listener)
                .build();
    }
}
