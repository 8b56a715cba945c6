package com.example.consumer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import java.time.Duration;

/** What a user writes: one Responses call through keel's pipeline, with a budget and an idempotency key. */
public final class Summariser {

    private final KeelClient keel;

    public Summariser(KeelClient keel) {
        this.keel = keel;
    }

    /** Summarises a ticket; the key makes a retried or repeated call the same logical call. */
    public String summarise(String ticketId, String text) {
        var body = JsonNodeFactory.instance.objectNode();
        body.put("model", "gpt-4.1-mini");
        body.put("input", "Summarise: " + text);
        var options = CallOptions.defaults()
                .withBudget(Duration.ofSeconds(10))
                .withIdempotencyKey("idem:example:summary:" + ticketId + ":model");
        return keel.responses().create(body, options).outputText();
    }
}
