package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.TimeoutChain;
import dev.keel.realtime.token.TokenService;
import dev.keel.realtime.token.TokenService.BodyException;
import dev.keel.wire.json.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keel serve}'s HTTP server: {@code /metrics}, {@code /debug/config}, {@code /healthz},
 * {@code /readyz} and {@code POST /v1/realtime/token} on Javalin/Jetty, built to stay up under hostile
 * clients. Handlers run on virtual threads, so connections that stall their bodies cannot use up the
 * threads {@code /healthz} and {@code /metrics} need; the token route authenticates on the headers
 * before it reads a byte of body; a body larger than the route allows is refused from its declared
 * length (413) or as soon as it passes the bound; a body that stops arriving fails after {@code
 * bodyTimeout}. Every answer, 404, 405 and 413 included, is OpenAI-shaped JSON; a failed body read is
 * one log line. Thread-safe.
 */
final class SidecarServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SidecarServer.class);
    private static final String JSON = "application/json";

    /** Where and how the server listens. */
    record Settings(String host, int port, Duration bodyTimeout, int maxTokenBodyBytes) {
        Settings {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
            }
            if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
                throw new IllegalArgumentException("the body timeout must be positive, was " + bodyTimeout);
            }
            if (maxTokenBodyBytes < 1) {
                throw new IllegalArgumentException("the token body limit must be positive, was " + maxTokenBodyBytes);
            }
        }
    }

    /** What the server shows; each supplier is read per request. */
    record Views(
            MeterRegistry metrics,
            Supplier<String> prometheusText,
            Supplier<ObjectNode> config,
            Supplier<ObjectNode> health,
            Readiness readiness,
            TokenService tokens) {}

    private final Javalin app;
    private final Settings settings;
    private ServerConnector connector;

    private SidecarServer(Settings settings, Views views) {
        this.settings = settings;
        this.app = Javalin.create(cfg -> configure(cfg, views));
    }

    /** Starts the server; returns once it listens. */
    static SidecarServer start(Settings settings, Views views) {
        var server = new SidecarServer(settings, views);
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

    private void configure(JavalinConfig cfg, Views views) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.maxRequestSize = settings.maxTokenBodyBytes();
        long bodyTimeoutMs = settings.bodyTimeout().toMillis();
        cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(bodyTimeoutMs));
        cfg.jetty.addConnector((server, http) -> {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(Math.max(bodyTimeoutMs, 30_000));
            return connector;
        });
        var r = cfg.routes;
        r.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4")
                        .result(views.prometheusText().get()));
        r.get("/debug/config", ctx -> json(ctx, 200, views.config().get()));
        r.get("/healthz", ctx -> json(ctx, 200, views.health().get()));
        r.get("/readyz", ctx -> {
            Readiness.Report report = views.readiness().check();
            json(ctx, report.ready() ? 200 : 503, report.json());
        });
        r.post(RealtimeTokenRoute.PATH, tokenRoute(views.tokens()));
        for (int status : new int[] {404, 405, 413}) {
            r.error(status, "*", ctx -> {
                if (!ctx.res().isCommitted() && !JSON.equals(ctx.res().getContentType())) {
                    json(
                            ctx,
                            status,
                            error(statusMessage(ctx, status), status == 413 ? "request_too_large" : "not_found"));
                }
            });
        }
        r.exception(
                HttpResponseException.class, (e, ctx) -> json(ctx, e.getStatus(), error(e.getMessage(), "http_error")));
        r.exception(Exception.class, (e, ctx) -> {
            log.warn("sidecar request failed method={} path={} error={}", ctx.method(), ctx.path(), oneLine(e));
            json(ctx, 500, error("The sidecar failed to handle the request; see its log.", "server_error"));
        });
    }

    private Handler tokenRoute(TokenService service) {
        return ctx -> {
            TokenService.Reply reply = service.handle(ctx.header("Authorization"), () -> readBody(ctx));
            reply.headers().forEach(ctx::header);
            json(ctx, reply.status(), reply.body());
        };
    }

    /**
     * The body, at most {@code maxTokenBodyBytes}: refused from its declared length before reading,
     * or as soon as it passes the bound; a body cut or stalled past the body timeout is one log line.
     */
    private byte[] readBody(Context ctx) {
        int max = settings.maxTokenBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(declared + " bytes", max);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw tooLarge("over " + max + " bytes", max);
            }
            return body;
        } catch (IOException e) {
            log.info("request body not received path={} reason={}", ctx.path(), oneLine(e));
            throw new BodyException(
                    408,
                    "request_body_timeout",
                    "The request body did not arrive in full within " + TimeoutChain.human(settings.bodyTimeout())
                            + "; send the whole body at once.");
        }
    }

    private static BodyException tooLarge(String size, int max) {
        return new BodyException(
                413,
                "request_too_large",
                "The request body is " + size + "; this route accepts at most " + max + " bytes.");
    }

    private static String statusMessage(Context ctx, int status) {
        return switch (status) {
            case 404 ->
                "Unknown path " + ctx.method() + " " + ctx.path()
                        + ": the sidecar serves GET /metrics, /debug/config, /healthz, /readyz and POST "
                        + RealtimeTokenRoute.PATH + ".";
            case 405 -> "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".";
            default -> "The request body is larger than this route accepts.";
        };
    }

    static ObjectNode error(String message, String code) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error");
        err.put("message", message);
        err.put("type", "invalid_request_error");
        err.putNull("param");
        err.put("code", code);
        return body;
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType(JSON).result(Json.write(body));
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName()
                + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
