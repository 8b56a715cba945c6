package dev.keel.springboot;

import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import java.util.Objects;

/**
 * keel's clients, one per traffic class, so batch work never takes the online calls' in-flight
 * permits or quota (each class has its own limits and, optionally, its own API key: {@code
 * keel.traffic.batch.api-key}). Closing it closes both.
 *
 * @param online the client for interactive calls (also the {@link KeelClient} bean)
 * @param batch the client for background and batch work
 */
public record KeelClients(KeelClient online, KeelClient batch) implements AutoCloseable {

    public KeelClients {
        Objects.requireNonNull(online, "online");
        Objects.requireNonNull(batch, "batch");
    }

    /** The client of {@code traffic}. */
    public KeelClient of(TrafficClass traffic) {
        return traffic == TrafficClass.BATCH ? batch : online;
    }

    @Override
    public void close() {
        try {
            online.close();
        } finally {
            batch.close();
        }
    }
}
