package dev.keel.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server: Javalin on Jetty 12, HTTP/1.1 and h2c on one port, handlers on virtual
 * threads (or a pool of platform threads, {@link GatewaySettings#workerThreads()}), no compression (streams pass through as they arrive). OpenAI's paths go to the {@link
 * Forwarder}; {@code /metrics}, {@code /healthz} and {@code /debug/config} show the process; every
 * other path gets an OpenAI-shaped 404. Thread-safe.
 */
final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    /** {@code METHOD path} of every OpenAI route the gateway forwards. */
    static final List<String> ROUTES = List.of(
            "POST /v1/responses",
            "GET /v1/responses/{id}",
            "POST /v1/chat/completions",
            "POST /v1/embeddings",
            "POST /v1/files",
            "GET /v1/files",
            "GET /v1/files/{id}",
            "DELETE /v1/files/{id}",
            "GET /v1/files/{id}/content",
            "POST /v1/batches",
            "GET /v1/batches",
            "GET /v1/batches/{id}",
            "POST /v1/batches/{id}/cancel",
            "GET /v1/models",
            "GET /v1/models/{id}",
            "POST /v1/realtime/client_secrets");

    private final Javalin app;
    private ServerConnector connector;

    private GatewayServer(
            GatewaySettings settings, Forwarder forwarder, Supplier<String> metrics, Supplier<ObjectNode> config) {
        this.app = Javalin.create(cfg -> configure(cfg, settings, forwarder, metrics, config));
    }

    static GatewayServer start(
            GatewaySettings settings, Forwarder forwarder, Supplier<String> metrics, Supplier<ObjectNode> config) {
        var server = new GatewayServer(settings, forwarder, metrics, config);
        server.app.start();
        return server;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void configure(
            JavalinConfig cfg,
            GatewaySettings settings,
            Forwarder forwarder,
            Supplier<String> metrics,
            Supplier<ObjectNode> config) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        if (settings.workerThreads() == 0) {
            cfg.concurrency.useVirtualThreads = true;
        } else {
            cfg.concurrency.useVirtualThreads = false;
            var pool = new QueuedThreadPool(settings.workerThreads(), 8);
            pool.setName("keel-gateway");
            cfg.jetty.threadPool = pool;
        }
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.http.asyncTimeout = 0;
        long bodyTimeoutMs = settings.bodyTimeout().toMillis();
        cfg.jetty.modifyHttpConfiguration(http -> {
            http.setIdleTimeout(bodyTimeoutMs);
            http.setSendServerVersion(false);
        });
        cfg.jetty.addConnector((server, http) -> {
            connector = new ServerConnector(
                    server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(Math.max(bodyTimeoutMs, 120_000));
            connector.setAcceptQueueSize(1024); // bursts of new client connections wait in the kernel, not fail
            return connector;
        });
        var r = cfg.routes;
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            io.javalin.http.Handler h = ctx -> forwarder.handle(ctx.req(), ctx.res(), route);
            switch (method) {
                case "GET" -> r.get(path, h);
                case "POST" -> r.post(path, h);
                case "DELETE" -> r.delete(path, h);
                default -> throw new IllegalStateException("no such method in ROUTES: " + route);
            }
        }
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.get()));
        r.get("/healthz", ctx -> json(ctx, 200, Json.object().put("status", "ok")));
        r.get("/debug/config", ctx -> json(ctx, 200, config.get()));
        for (int status : new int[] {404, 405}) {
            r.error(status, "*", ctx -> {
                if (!ctx.res().isCommitted()
                        && !"application/json".equals(ctx.res().getContentType())) {
                    json(
                            ctx,
                            status,
                            Refusal.notFound(ctx.method().name(), ctx.path()).body());
                }
            });
        }
        r.exception(Exception.class, (e, ctx) -> {
            LOG.warn("gateway request failed method={} path={} error={}", ctx.method(), ctx.path(), e.toString());
            if (!ctx.res().isCommitted()) {
                json(
                        ctx,
                        500,
                        new Refusal(
                                        500,
                                        "server_error",
                                        "keel_gateway_error",
                                        "The gateway failed to handle the request; see its log.",
                                        "gateway_error",
                                        null)
                                .body());
            }
        });
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
