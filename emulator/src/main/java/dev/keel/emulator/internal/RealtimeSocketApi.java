package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RealtimeEvent;
import dev.keel.wire.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The realtime WebSocket, {@code GET /v1/realtime?model=…} upgraded: checks the handshake's key
 * (an {@code ek_…} client secret issued by {@link RealtimeSecretsApi} and not expired, or the API
 * key; in a browser's {@code openai-insecure-api-key.} subprotocol too), then runs one {@link
 * RealtimeConversation} per connection and records every event both ways. Thread-safe.
 */
public final class RealtimeSocketApi implements AutoCloseable {

    static final String PATH = "/v1/realtime";
    private static final String SUBPROTOCOL_KEY = "openai-insecure-api-key.";

    private final EmulatorConfig config;
    private final RealtimeSecretsApi secrets;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().daemon().name("emulator-realtime-", 0).factory());
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final ArrayDeque<RealtimeEvent> events = new ArrayDeque<>();

    private record Live(WsContext ws, RealtimeConversation conversation) {}

    RealtimeSocketApi(EmulatorConfig config, RealtimeSecretsApi secrets) {
        this.config = config;
        this.secrets = secrets;
    }

    /** Registers the handshake check and the socket handlers. */
    void register(RoutesConfig routes, java.util.function.BiConsumer<Context, String> record) {
        routes.wsBeforeUpgrade(PATH, ctx -> {
            record.accept(ctx, Ids.hex("req_"));
            handshake(ctx);
        });
        routes.ws(PATH, ws -> {
            ws.onConnect(ctx -> open(ctx));
            ws.onMessage(ctx -> {
                Live l = live.get(ctx.sessionId());
                if (l != null) {
                    record(l.conversation().sessionId(), true, ctx.message());
                    l.conversation().onMessage(ctx.message());
                }
            });
            ws.onClose(ctx -> closed(ctx.sessionId()));
            ws.onError(ctx -> closed(ctx.sessionId()));
        });
    }

    /** The events seen so far, oldest first (bounded by the record capacity). */
    public List<RealtimeEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Drops every open realtime connection without a close frame, as a network failure would. */
    public void dropAll() {
        live.values().forEach(l -> {
            l.conversation().onClosed();
            l.ws().session.disconnect();
        });
    }

    /** Open realtime connections now. */
    public int openConnections() {
        return live.size();
    }

    public void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void handshake(Context ctx) {
        String model = ctx.queryParam("model");
        String callId = ctx.queryParam("call_id");
        String key = key(ctx);
        if (key == null) {
            throw new ApiException(
                    401,
                    "You didn't provide an API key. Pass it as 'Authorization: Bearer KEY' (server) or as the"
                            + " 'openai-insecure-api-key.KEY' subprotocol (browser).",
                    "invalid_request_error",
                    null,
                    "missing_api_key");
        }
        if (key.startsWith("ek_")) {
            if (!secrets.isValid(key)) {
                throw new ApiException(
                        401,
                        "The client secret is invalid or has expired; mint a new one with POST /v1/realtime/client_secrets.",
                        "invalid_request_error",
                        null,
                        "invalid_client_secret");
            }
            if (callId != null) {
                throw new ApiException(
                        404,
                        "No session found for the provided call_id",
                        "invalid_request_error",
                        "call_id",
                        "call_id_not_found");
            }
        } else if (config.requiredKey() != null && !config.requiredKey().equals(key)) {
            throw ApiException.forStatus(401, "invalid_api_key");
        }
        if ((model == null || model.isBlank()) && callId == null) {
            throw ApiException.invalid(
                    "Missing required parameter: 'model' (or 'call_id' for a sideband connection).",
                    "model",
                    "missing_required_parameter");
        }
        ctx.attribute("keel.realtime.key", key);
    }

    private static String key(Context ctx) {
        return key(ctx.header("Authorization"), ctx.header("Sec-WebSocket-Protocol"));
    }

    private static String key(String auth, String protocols) {
        if (auth != null && auth.startsWith("Bearer ") && auth.length() > "Bearer ".length()) {
            return auth.substring("Bearer ".length()).trim();
        }
        if (protocols != null) {
            for (String p : protocols.split(",")) {
                if (p.trim().startsWith(SUBPROTOCOL_KEY)) {
                    return p.trim().substring(SUBPROTOCOL_KEY.length());
                }
            }
        }
        return null;
    }

    private void open(WsContext ctx) {
        ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(10));
        String key = key(ctx.header("Authorization"), ctx.header("Sec-WebSocket-Protocol"));
        ObjectNode session = key != null && key.startsWith("ek_") ? secrets.sessionOf(key) : null;
        if (session == null) {
            var requested = Json.object()
                    .put("model", ctx.queryParam("model") == null ? "gpt-realtime" : ctx.queryParam("model"));
            session = RealtimeSecretsApi.session(
                    requested, config.clock().instant().getEpochSecond() + 3600);
        }
        session.put("id", Ids.alnum("sess_"));
        var holder = new String[] {session.path("id").asText()};
        RealtimeConversation.Out out = new RealtimeConversation.Out() {
            @Override
            public void send(ObjectNode event) {
                String text = Json.write(event);
                record(holder[0], false, text);
                if (ctx.session.isOpen()) {
                    ctx.send(text);
                }
            }

            @Override
            public void close(int code, String reason) {
                ctx.closeSession(code, reason);
            }
        };
        live.put(ctx.sessionId(), new Live(ctx, new RealtimeConversation(session, config.realtime(), scheduler, out)));
    }

    private void closed(String wsId) {
        Live l = live.remove(wsId);
        if (l != null) {
            l.conversation().onClosed();
        }
    }

    private void record(String sessionId, boolean fromClient, String text) {
        if (config.recordCapacity() == 0) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = Json.parse(text);
        } catch (dev.keel.wire.json.JsonSyntaxException notJson) {
            node = Json.object().put("type", "").put("raw", text);
        }
        var e = new RealtimeEvent(sessionId, fromClient, node.path("type").asText(""), node, System.nanoTime());
        synchronized (events) {
            if (events.size() >= config.recordCapacity()) {
                events.removeFirst();
            }
            events.addLast(e);
        }
    }
}
