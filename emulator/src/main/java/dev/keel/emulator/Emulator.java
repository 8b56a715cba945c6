package dev.keel.emulator;

import dev.keel.emulator.internal.EmulatorServer;
import java.net.URI;
import java.util.List;

/**
 * A local OpenAI-compatible server with fault injection: the upstream of every keel test and the
 * sandbox of the CLI when no API key is set.
 *
 * <pre>{@code
 * try (var emulator = Emulator.start(EmulatorConfig.ofDefaults())) {
 *     URI base = emulator.baseUrl();            // http://127.0.0.1:<port>/v1
 *     ... call it ...
 *     emulator.requests();                      // what it received, in order
 * }
 * }</pre>
 *
 * Speaks HTTP/1.1 and prior-knowledge h2c on one port. Serves {@code /v1/responses} (with background
 * mode, input items, cancel, delete and input token counts), {@code /v1/models}, {@code
 * /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/files}, {@code /v1/batches} and {@code
 * /v1/realtime/client_secrets} and the realtime WebSocket {@code /v1/realtime?model=…}; faults come from {@link EmulatorConfig#faults()} or per request
 * from the {@code x-keel-fault} header. Thread-safe; {@link #close()} stops it and drops any open
 * connection.
 */
public final class Emulator implements AutoCloseable {

    /** The request header that injects one fault into one request, e.g. {@code x-keel-fault: status:503}. */
    public static final String FAULT_HEADER = EmulatorServer.FAULT_HEADER;

    private final EmulatorServer server;
    private final EmulatorConfig config;

    private Emulator(EmulatorServer server, EmulatorConfig config) {
        this.server = server;
        this.config = config;
    }

    /** Starts an emulator and returns once it listens. */
    public static Emulator start(EmulatorConfig config) {
        return new Emulator(EmulatorServer.start(config), config);
    }

    /** Starts an emulator with default settings on a free port. */
    public static Emulator start() {
        return start(EmulatorConfig.ofDefaults());
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The API base URL, {@code http://<host>:<port>/v1}, as {@code OPENAI_BASE_URL} expects it. */
    public URI baseUrl() {
        return URI.create("http://" + config.host() + ":" + port() + "/v1");
    }

    /** The configuration it runs with. */
    public EmulatorConfig config() {
        return config;
    }

    /** The requests received so far, oldest first (at most the configured capacity). */
    public List<RecordedRequest> requests() {
        return server.requests();
    }

    /** The received requests with this method and path, oldest first. */
    public List<RecordedRequest> requests(String method, String path) {
        return requests().stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path))
                .toList();
    }

    /** TCP connections accepted since start: how many a client's pool really opened. */
    public int connectionsAccepted() {
        return server.connectionsAccepted();
    }

    /**
     * Replaces the fault rules for requests arriving from now on, e.g. to start an outage
     * ({@code "*=status:503"}) and to end it ({@link dev.keel.emulator.fault.FaultPlan#NONE}).
     */
    public void replaceFaults(dev.keel.emulator.fault.FaultPlan plan) {
        server.replaceFaults(plan);
    }

    /** The events on the realtime WebSocket so far, both ways, oldest first. */
    public List<RealtimeEvent> realtimeEvents() {
        return server.realtime().events();
    }

    /** Drops every open realtime WebSocket without a close frame, as a network failure would. */
    public void dropRealtimeConnections() {
        server.realtime().dropAll();
    }

    /** Realtime WebSockets open now. */
    public int openRealtimeConnections() {
        return server.realtime().openConnections();
    }

    /**
     * Bytes now kept of files, batch results and stored responses, as counted against {@link
     * EmulatorConfig#storageBudgetBytes()}; never above it.
     */
    public long storedBytes() {
        return server.storage().retainedBytes();
    }

    /** Stored objects (files, batch results, responses) evicted so far to stay within the storage budget. */
    public long storageEvictions() {
        return server.storage().evictedEntries();
    }

    /** Forgets the recorded requests. */
    /**
     * The batch webhook deliveries attempted so far, in the order they were answered (empty unless
     * {@link EmulatorConfig#webhooks()} is set).
     */
    public List<WebhookDelivery> webhookDeliveries() {
        return server.webhookDeliveries();
    }

    public void clearRequests() {
        server.clearRequests();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.close();
    }
}
