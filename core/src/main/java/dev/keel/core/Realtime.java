package dev.keel.core;

import dev.keel.core.api.RealtimeSecrets;

/** The Realtime API's REST side, as {@code client.realtime().clientSecrets()}. Thread-safe. */
public final class Realtime {

    private final KeelClient client;

    Realtime(KeelClient client) {
        this.client = client;
    }

    /** {@code POST /v1/realtime/client_secrets}: ephemeral {@code ek_…} keys. */
    public RealtimeSecrets clientSecrets() {
        return new RealtimeSecrets(client);
    }
}
