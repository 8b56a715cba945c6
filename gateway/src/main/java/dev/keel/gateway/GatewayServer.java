package dev.keel.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server: one Jetty 12 core {@link Handler} (no servlet or web-framework layer)
 * on a connector that speaks HTTP/1.1 and h2c on one port. Jetty's selectors run on a pool of
 * platform threads; each request is handled on a virtual thread of its own (or, with {@link
 * GatewaySettings#workerThreads()}, on that pool of platform threads). No compression (streams pass
 * through as they arrive). OpenAI's paths go to the {@link Forwarder}; {@code /metrics}, {@code
 * /healthz} and {@code /debug/config} show the process; every other path or method gets an
 * OpenAI-shaped 404. Thread-safe.
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

    private final Server server;
    private final ServerConnector connector;
    /** The virtual threads requests run on; null with a pool of platform threads. */
    private final ExecutorService virtual;

    private GatewayServer(
            GatewaySettings settings, Forwarder forwarder, Supplier<String> metrics, Supplier<ObjectNode> config) {
        QueuedThreadPool pool;
        if (settings.workerThreads() == 0) {
            // Selectors and Jetty's own tasks on platform threads; a handler (it blocks) on a virtual thread.
            pool = new QueuedThreadPool();
            virtual = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("keel-gateway-request-", 0).factory());
            pool.setVirtualThreadsExecutor(virtual);
        } else {
            pool = new QueuedThreadPool(settings.workerThreads(), 8);
            virtual = null;
        }
        pool.setName("keel-gateway");
        server = new Server(pool);
        long bodyTimeoutMs = settings.bodyTimeout().toMillis();
        var http = new HttpConfiguration();
        http.setIdleTimeout(bodyTimeoutMs); // a read or write of the client stalled this long fails
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector =
                new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(Math.max(bodyTimeoutMs, 120_000));
        connector.setAcceptQueueSize(1024); // bursts of new client connections wait in the kernel, not fail
        server.addConnector(connector);
        server.setHandler(new Routes(forwarder, metrics, config));
    }

    static GatewayServer start(
            GatewaySettings settings, Forwarder forwarder, Supplier<String> metrics, Supplier<ObjectNode> config) {
        var server = new GatewayServer(settings, forwarder, metrics, config);
        try {
            server.server.start();
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException(
                    "could not start the gateway on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(),
                    e);
        }
        return server;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the gateway's server failed: {}", e.toString());
        }
        if (virtual != null) {
            virtual.shutdown();
        }
    }

    /**
     * Which route a request takes: the fixed paths by a map lookup, paths with an id by their
     * segments. A path with one trailing slash is the path without it.
     */
    static final class RouteTable {
        private final Map<String, String> exact = new HashMap<>();
        private final List<String[]> patterns = new ArrayList<>();
        private final List<String> patternRoutes = new ArrayList<>();

        RouteTable(List<String> routes) {
            for (String route : routes) {
                if (route.contains("{")) {
                    String method = route.substring(0, route.indexOf(' '));
                    String path = route.substring(route.indexOf(' ') + 1);
                    String[] segments = (method + path).split("/", -1);
                    patterns.add(segments);
                    patternRoutes.add(route);
                } else {
                    exact.put(route, route);
                }
            }
        }

        /** The route ({@code METHOD /path/{id}}) this request takes, or null. */
        String route(String method, String path) {
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String found = exact.get(method + " " + path);
            if (found != null || !path.startsWith("/v1/")) {
                return found;
            }
            String[] segments = (method + path).split("/", -1);
            for (int i = 0; i < patterns.size(); i++) {
                if (matches(patterns.get(i), segments)) {
                    return patternRoutes.get(i);
                }
            }
            return null;
        }

        private static boolean matches(String[] pattern, String[] segments) {
            if (pattern.length != segments.length) {
                return false;
            }
            for (int i = 0; i < pattern.length; i++) {
                String p = pattern[i];
                if (p.startsWith("{") ? segments[i].isEmpty() : !p.equals(segments[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Every request: blocking, so Jetty runs it on a request thread (virtual, or one of the pool's). */
    private static final class Routes extends Handler.Abstract {
        private final Forwarder forwarder;
        private final Supplier<String> metrics;
        private final Supplier<ObjectNode> config;
        private final RouteTable table = new RouteTable(ROUTES);

        Routes(Forwarder forwarder, Supplier<String> metrics, Supplier<ObjectNode> config) {
            this.forwarder = forwarder;
            this.metrics = metrics;
            this.config = config;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            // An idle client connection while the upstream answers is not a failure: only a read of the
            // body or a write of the answer that stalls past the idle timeout is (Jetty fails those).
            request.addIdleTimeoutListener(timeout -> false);
            var ex = new Exchange(request, response);
            try {
                serve(ex);
                callback.succeeded();
            } catch (Exception e) {
                LOG.warn("gateway request failed method={} path={} error={}", ex.method(), ex.path(), e.toString());
                if (ex.committed()) {
                    callback.failed(e);
                    return true;
                }
                try {
                    json(
                            ex,
                            500,
                            new Refusal(
                                            500,
                                            "server_error",
                                            "keel_gateway_error",
                                            "The gateway failed to handle the request; see its log.",
                                            "gateway_error",
                                            null)
                                    .body());
                    callback.succeeded();
                } catch (Exception again) {
                    callback.failed(again);
                }
            }
            return true;
        }

        private void serve(Exchange ex) throws Exception {
            String method = ex.method();
            String path = ex.path();
            String route = table.route(method, path);
            if (route != null) {
                forwarder.handle(ex, route);
            } else if (method.equals("GET") && path.equals("/metrics")) {
                ex.status(200);
                ex.contentType("text/plain; version=0.0.4");
                ex.send(metrics.get().getBytes(StandardCharsets.UTF_8));
            } else if (method.equals("GET") && path.equals("/healthz")) {
                json(ex, 200, Json.object().put("status", "ok"));
            } else if (method.equals("GET") && path.equals("/debug/config")) {
                json(ex, 200, config.get());
            } else {
                json(ex, 404, Refusal.notFound(method, path).body());
            }
        }
    }

    private static void json(Exchange ex, int status, ObjectNode body) throws java.io.IOException {
        ex.status(status);
        ex.contentType("application/json");
        ex.send(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}
