package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import org.junit.jupiter.api.Test;

/** The published keel-core works from a plain project: a call through keel, answered by keel's emulator. */
class SummariserTest {

    @Test
    void summarise_goesThroughKeel_toTheEmulator() {
        try (var emulator = Emulator.start(EmulatorConfig.builder().requiredKey("sk-consumer").build());
                var keel = KeelClient.builder(KeelClientConfig.builder("sk-consumer", emulator.baseUrl())
                                .build())
                        .build()) {
            String answer = new Summariser(keel).summarise("42", "printer on fire");
            assertTrue(answer.startsWith("Emulated reply"), answer);
            var seen = emulator.requests("POST", "/v1/responses");
            assertEquals(1, seen.size());
            assertEquals("idem:example:summary:42:model", seen.get(0).header("Idempotency-Key").orElse(null));
        }
    }
}
