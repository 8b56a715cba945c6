package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultEffect.BadSample;
import dev.keel.emulator.fault.FaultEffect.BatchOutcome;
import dev.keel.emulator.fault.FaultEffect.CutStream;
import dev.keel.emulator.fault.FaultEffect.Latency;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.emulator.fault.FaultEffect.Status;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The emulator's HTTP server: Javalin on Jetty 12, HTTP/1.1 and prior-knowledge h2c on one
 * loopback connector. Every route goes through {@link #guarded}, which reads top to bottom as the
 * request is handled: request id, recording, auth, fault choice, rate limit, then the fault or the
 * route. Thread-safe.
 */
public final class EmulatorServer implements AutoCloseable {

    /** The request header that injects one fault into one request. */
    public static final String FAULT_HEADER = "x-keel-fault";

    private static final String JSON = "application/json";

    private final EmulatorConfig config;
    private final Recorder recorder;
    private final ResponsesApi responses;
    private final BackgroundResponses background;
    private final ModelsApi models;
    private final ChatApi chat;
    private final EmbeddingsApi embeddings = new EmbeddingsApi();
    private final StorageBudget storage;
    private final FileStore files;
    private final BatchEngine batches;
    /** Sends batch webhooks; null when none are configured. */
    private final BatchWebhooks webhooks;

    private final RealtimeSecretsApi secrets;
    private final RealtimeSocketApi realtime;
    private final RateLimiter limiter;
    private final RequestChecks checks;
    private final ExecutorService delayed = Executors.newVirtualThreadPerTaskExecutor();
    private final Javalin app;
    /** The fault rules in force; replaceable while running (a scripted outage, then recovery). */
    private volatile dev.keel.emulator.fault.FaultPlan faults;

    private ServerConnector connector;
    /** TCP connections accepted; an h2c upgrade opens a second connection on the same endpoint, counted once. */
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.Set<org.eclipse.jetty.io.EndPoint> seenEndPoints =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /** A route body: the request and the fault chosen for it (null for none). */
    @FunctionalInterface
    interface Route {
        void handle(Context ctx, FaultChoice fault) throws Exception;
    }

    /** A chosen fault and whether the request asked for it by header (then an inapplicable one is an error). */
    record FaultChoice(FaultEffect effect, boolean fromHeader) {}

    private EmulatorServer(EmulatorConfig config) {
        this.config = config;
        this.recorder = new Recorder(config.recordCapacity());
        this.faults = config.faults();
        this.storage = new StorageBudget(config.storageBudgetBytes());
        PromptCache cache = new PromptCache();
        this.responses = new ResponsesApi(config.clock(), storage, cache);
        this.background = new BackgroundResponses(config.clock(), config.batchSpeed());
        this.chat = new ChatApi(config.clock(), cache);
        DataDir disk = DataDir.at(config.dataDir());
        this.files = new FileStore(config.clock(), config.maxFileBytes(), storage, disk);
        this.checks = new RequestChecks(config.models(), config.lenient());
        this.models = new ModelsApi(config.models());
        this.batches = new BatchEngine(
                config.clock(),
                config.batchSpeed(),
                config.batchTimings(),
                files,
                storage,
                new ModelRoutes(responses, chat, embeddings, checks),
                config.maxBatchFileBytes(),
                config.maxBatchRequests(),
                disk);
        this.webhooks =
                config.webhooks() == null ? null : new BatchWebhooks(config.webhooks(), batches, config.clock());
        this.secrets = new RealtimeSecretsApi(config.clock());
        this.realtime = new RealtimeSocketApi(config, secrets);
        this.limiter = new RateLimiter(config.rateLimits(), config.clock());
        this.app = Javalin.create(this::configure);
    }

    /** Starts a server; returns once it is listening. */
    public static EmulatorServer start(EmulatorConfig config) {
        var server = new EmulatorServer(config);
        server.app.start();
        return server;
    }

    /** The bound port. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Replaces the fault rules for requests arriving from now on. */
    public void replaceFaults(dev.keel.emulator.fault.FaultPlan plan) {
        this.faults = java.util.Objects.requireNonNull(plan, "plan");
    }

    /** TCP connections accepted since start. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    public List<RecordedRequest> requests() {
        return recorder.snapshot();
    }

    public void clearRequests() {
        recorder.clear();
    }

    /** The budget that stored files, batch results and stored responses share. */
    public StorageBudget storage() {
        return storage;
    }

    /** The realtime client secrets issued so far (for the realtime WebSocket's auth). */
    public RealtimeSecretsApi secrets() {
        return secrets;
    }

    /** The realtime WebSocket: its recorded events and open connections. */
    public RealtimeSocketApi realtime() {
        return realtime;
    }

    /** The batch webhook deliveries attempted so far (empty without {@link EmulatorConfig#webhooks()}). */
    public List<dev.keel.emulator.WebhookDelivery> webhookDeliveries() {
        return webhooks == null ? List.of() : webhooks.deliveries();
    }

    @Override
    public void close() {
        if (webhooks != null) {
            webhooks.close();
        }
        background.close();
        app.stop();
        realtime.close();
        delayed.shutdownNow();
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.http.maxRequestSize = 64 * EmulatorConfig.MB;
        cfg.http.asyncTimeout = 0;
        cfg.jetty.multipartConfig.maxFileSize(config.maxFileBytes() + EmulatorConfig.MB, SizeUnit.BYTES);
        cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxFileBytes() + 2 * EmulatorConfig.MB, SizeUnit.BYTES);
        cfg.jetty.multipartConfig.maxInMemoryFileSize(8, SizeUnit.MB);
        cfg.jetty.addConnector((server, http) -> {
            connector = new ServerConnector(
                    server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
            connector.addBean(new org.eclipse.jetty.io.Connection.Listener() {
                @Override
                public void onOpened(org.eclipse.jetty.io.Connection c) {
                    if (seenEndPoints.add(c.getEndPoint())) {
                        accepted.incrementAndGet();
                    }
                }
            });
            connector.setHost(config.host());
            connector.setPort(config.port());
            return connector;
        });
        var r = cfg.routes;
        r.post("/v1/responses", guarded(true, this::createResponse));
        r.post("/v1/responses/input_tokens", guarded(false, (ctx, f) -> json(ctx, responses.inputTokens(body(ctx)))));
        r.get("/v1/responses/{id}", guarded(false, this::retrieveResponse));
        r.delete("/v1/responses/{id}", guarded(false, this::deleteResponse));
        r.post("/v1/responses/{id}/cancel", guarded(false, this::cancelResponse));
        r.get("/v1/responses/{id}/input_items", guarded(false, this::listInputItems));
        r.get("/v1/models", guarded(false, (ctx, f) -> json(ctx, models.list())));
        r.get("/v1/models/{id}", guarded(false, (ctx, f) -> json(ctx, models.retrieve(ctx.pathParam("id")))));
        r.post("/v1/chat/completions", guarded(true, this::createChat));
        r.post(
                "/v1/embeddings",
                guarded(true, (ctx, f) -> json(ctx, embeddings.create(checked(ctx, "/v1/embeddings")))));
        r.post("/v1/files", guarded(false, this::uploadFile));
        r.get("/v1/files", guarded(false, this::listFiles));
        r.get(
                "/v1/files/{id}",
                guarded(
                        false,
                        (ctx, f) -> json(ctx, files.get(ctx.pathParam("id")).json())));
        r.delete("/v1/files/{id}", guarded(false, (ctx, f) -> json(ctx, files.delete(ctx.pathParam("id")))));
        r.get("/v1/files/{id}/content", guarded(false, this::fileContent));
        r.post("/v1/batches", guarded(false, this::createBatch));
        r.get(
                "/v1/batches",
                guarded(
                        false,
                        (ctx, f) -> json(ctx, batches.list(intQuery(ctx, "limit", 20), ctx.queryParam("after")))));
        r.get("/v1/batches/{id}", guarded(false, (ctx, f) -> json(ctx, batches.retrieve(ctx.pathParam("id")))));
        r.post("/v1/batches/{id}/cancel", guarded(false, (ctx, f) -> json(ctx, batches.cancel(ctx.pathParam("id")))));
        r.post(
                "/v1/realtime/client_secrets",
                guarded(false, (ctx, f) -> json(ctx, secrets.create(checkedOptional(ctx)))));
        realtime.register(r, recorder::record);
        Handler unknown = guarded(false, (ctx, f) -> {
            throw ApiException.notFound("Invalid URL (" + ctx.method().name() + " " + ctx.path() + ")", null);
        });
        r.get("/*", unknown);
        r.post("/*", unknown);
        r.delete("/*", unknown);
        r.put("/*", unknown);
        r.patch("/*", unknown);
        r.exception(ApiException.class, (e, ctx) -> error(ctx, e));
        r.exception(Exception.class, (e, ctx) -> error(ctx, internal(e)));
    }

    private Handler guarded(boolean modelRoute, Route route) {
        return ctx -> {
            String requestId = Ids.hex("req_");
            ctx.header("x-request-id", requestId);
            ctx.header("openai-version", "2020-10-01");
            ctx.header("openai-organization", "org-keel-emulator");
            recorder.record(ctx, requestId);
            authenticate(ctx);
            FaultChoice fault = chooseFault(ctx);
            if (modelRoute) {
                rateLimit(ctx);
            }
            apply(ctx, fault, route);
        };
    }

    private void authenticate(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() == "Bearer ".length()) {
            throw new ApiException(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using"
                            + " Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    "invalid_request_error",
                    null,
                    null);
        }
        if (config.requiredKey() != null && !config.requiredKey().equals(auth.substring("Bearer ".length()))) {
            throw ApiException.forStatus(401, "invalid_api_key");
        }
    }

    private FaultChoice chooseFault(Context ctx) {
        String header = ctx.header(FAULT_HEADER);
        if (header != null) {
            try {
                return new FaultChoice(FaultSpec.parse(header), true);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage(), FAULT_HEADER, "invalid_fault");
            }
        }
        String schema = faults.hasSchemaRules() ? schemaName(ctx) : null;
        return faults.pick(ctx.method().name(), ctx.path(), schema)
                .map(f -> new FaultChoice(f, false))
                .orElse(new FaultChoice(null, false));
    }

    /** The request's structured-output schema name, or null (no JSON body, no json_schema format). */
    private static String schemaName(Context ctx) {
        try {
            JsonNode body = Json.parse(ctx.bodyAsBytes());
            JsonNode name = body.path("text").path("format").path("name");
            if (name.isMissingNode()) {
                name = body.path("response_format").path("json_schema").path("name");
            }
            return name.isTextual() ? name.asText() : null;
        } catch (JsonSyntaxException e) {
            return null;
        }
    }

    private void rateLimit(Context ctx) {
        RateLimiter.Verdict v = limiter.admit(Math.max(1, ctx.bodyAsBytes().length / 4));
        ctx.header("x-ratelimit-limit-requests", String.valueOf(v.limitRequests()));
        ctx.header("x-ratelimit-remaining-requests", String.valueOf(v.remainingRequests()));
        ctx.header("x-ratelimit-reset-requests", v.resetRequests());
        ctx.header("x-ratelimit-limit-tokens", String.valueOf(v.limitTokens()));
        ctx.header("x-ratelimit-remaining-tokens", String.valueOf(v.remainingTokens()));
        ctx.header("x-ratelimit-reset-tokens", v.resetTokens());
        if (v.refusedFor() != null) {
            retryAfter(ctx, v.refusedFor());
            throw ApiException.forStatus(429, "rate_limit_exceeded");
        }
    }

    private void apply(Context ctx, FaultChoice choice, Route route) throws Exception {
        switch (choice.effect()) {
            case null -> answer(ctx, choice, route, Duration.ZERO);
            case FaultEffect.None n -> answer(ctx, choice, route, Duration.ZERO);
            case Status s when s.code() >= 500 && acceptedInBackground(ctx) -> route.handle(ctx, choice);
            case Status s -> {
                if (s.retryAfter() != null) {
                    retryAfter(ctx, s.retryAfter());
                }
                error(ctx, ApiException.forStatus(s.code(), s.errorCode()));
            }
            case FaultEffect.Stall s -> {
                ctx.future(CompletableFuture::new); // never completes; stop() closes the connection
            }
            case FaultEffect.Reset r -> Connections.reset(ctx);
            case Latency l -> answer(ctx, choice, route, delay(l));
            case FaultEffect.MalformedBody m ->
                ctx.status(200)
                        .contentType(JSON)
                        .result("{\"id\":\"resp_malformed\",\"object\":\"response\",\"output\":[{\"type\":\"mess");
            case FaultEffect.FlexUnavailable u -> {
                if (servedFlex(ctx)) {
                    error(ctx, flexUnavailable());
                } else {
                    notApplicable(choice, "applies only to requests with \"service_tier\": \"flex\"");
                    answer(ctx, choice, route, Duration.ZERO);
                }
            }
            case CutStream c -> answer(ctx, choice, route, Duration.ZERO);
            case BadSample b -> answer(ctx, choice, route, Duration.ZERO);
            case BatchOutcome b -> route.handle(ctx, choice);
        }
    }

    /**
     * Answers after {@code wait}, plus {@link EmulatorConfig#flexLatency()} for a flex request (flex
     * answers slower); at once when both are zero. The wait runs on the emulator's delay executor,
     * never on the request thread.
     */
    private void answer(Context ctx, FaultChoice choice, Route route, Duration wait) throws Exception {
        Duration total = servedFlex(ctx) ? wait.plus(config.flexLatency()) : wait;
        if (total.isZero()) {
            route.handle(ctx, choice);
            return;
        }
        ctx.future(() -> CompletableFuture.runAsync(
                () -> handleSafely(ctx, choice, route),
                CompletableFuture.delayedExecutor(total.toMillis(), TimeUnit.MILLISECONDS, delayed)));
    }

    /** Whether this is a model request served at the flex tier ({@code service_tier: "flex"}). */
    private static boolean servedFlex(Context ctx) {
        if (!ctx.method().name().equals("POST")
                || !(ctx.path().equals("/v1/responses") || ctx.path().equals("/v1/chat/completions"))) {
            return false;
        }
        try {
            return "flex".equals(ServiceTiers.served(Json.parse(ctx.bodyAsBytes())));
        } catch (JsonSyntaxException e) {
            return false;
        }
    }

    /**
     * Flex without capacity: {@code 429} "Resource Unavailable" (OpenAI's flex guide names the status
     * and the words, not the body; the body here has the API's error shape with code {@code
     * resource_unavailable}, no {@code Retry-After}).
     */
    static ApiException flexUnavailable() {
        return new ApiException(
                429,
                "Resource unavailable: flex processing has no capacity for this request right now. Retry later, or"
                        + " send the request without service_tier 'flex'.",
                "rate_limit_error",
                null,
                "resource_unavailable");
    }

    private Duration delay(Latency l) {
        long span = l.max().toMillis() - l.min().toMillis();
        return l.min().plusMillis(Math.round(span * faults.nextDouble()));
    }

    private void handleSafely(Context ctx, FaultChoice choice, Route route) {
        try {
            route.handle(ctx, choice);
        } catch (ApiException e) {
            error(ctx, e);
        } catch (Exception e) {
            error(ctx, internal(e));
        }
    }

    private void createResponse(Context ctx, FaultChoice f) throws IOException {
        JsonNode body = checked(ctx, "/v1/responses");
        boolean stream = body.path("stream").asBoolean(false);
        requireApplicable(f, stream);
        ObjectNode response;
        try {
            response = responses.create(body, defect(f));
        } catch (FakeModel.DefectNotApplicable e) {
            notApplicable(f, e.getMessage());
            response = responses.create(body, null);
        }
        if (body.path("background").asBoolean(false)) {
            ObjectNode queued = background.start(response, stream, f.effect() instanceof Status);
            if (stream) {
                streamBackground(ctx, f, queued.get("id").asText(), -1);
            } else {
                json(ctx, queued);
            }
        } else if (stream) {
            EventStream.send(ctx, responses.events(response), true, false, cutAfter(f));
        } else {
            json(ctx, response);
        }
    }

    /**
     * A server error injected into a background create happens while the response runs: the create
     * is accepted ({@code queued}) and the response ends {@code failed}.
     */
    private static boolean acceptedInBackground(Context ctx) {
        if (!ctx.method().name().equals("POST") || !ctx.path().equals("/v1/responses")) {
            return false;
        }
        try {
            return Json.parse(ctx.bodyAsBytes()).path("background").asBoolean(false);
        } catch (JsonSyntaxException e) {
            return false;
        }
    }

    private void retrieveResponse(Context ctx, FaultChoice f) throws IOException {
        String id = ctx.pathParam("id");
        boolean stream = booleanQuery(ctx, "stream");
        requireApplicable(f, stream);
        if (!stream) {
            json(ctx, background.find(id).orElseGet(() -> responses.retrieve(id)));
            return;
        }
        if (!background.streamable(id)) {
            responses.retrieve(id); // 404 when there is none
            throw ApiException.invalid(
                    "Response '" + id + "' cannot be streamed: only a response created with 'background: true' and"
                            + " 'stream: true' can be streamed again. Retrieve it without 'stream=true'.",
                    "stream",
                    "invalid_value");
        }
        String after = ctx.queryParam("starting_after");
        streamBackground(ctx, f, id, after == null ? -1 : longQuery(ctx, "starting_after"));
    }

    private void streamBackground(Context ctx, FaultChoice f, String id, long startingAfter) throws IOException {
        BackgroundResponses.Paced paced = background.stream(id, startingAfter);
        EventStream.send(ctx, paced.events(), true, false, cutAfter(f), paced.pacer());
    }

    private void cancelResponse(Context ctx, FaultChoice f) {
        String id = ctx.pathParam("id");
        var cancelled = background.cancel(id);
        if (cancelled.isPresent()) {
            json(ctx, cancelled.get());
            return;
        }
        if (!responses.isStored(id)) {
            throw ResponsesApi.notFound(id);
        }
        throw ApiException.invalid("Cannot cancel a synchronous response.", null, null);
    }

    private void deleteResponse(Context ctx, FaultChoice f) {
        String id = ctx.pathParam("id");
        ObjectNode deleted = responses.delete(ctx.pathParam("id"));
        background.forget(id);
        json(ctx, deleted);
    }

    private void listInputItems(Context ctx, FaultChoice f) {
        var include = new java.util.ArrayList<>(ctx.queryParams("include"));
        include.addAll(ctx.queryParams("include[]"));
        json(
                ctx,
                responses.inputItems(
                        ctx.pathParam("id"),
                        intQuery(ctx, "limit", 20),
                        ctx.queryParam("order"),
                        ctx.queryParam("after"),
                        include));
    }

    private void createChat(Context ctx, FaultChoice f) throws IOException {
        JsonNode body = checked(ctx, "/v1/chat/completions");
        boolean stream = body.path("stream").asBoolean(false);
        requireApplicable(f, stream);
        ObjectNode completion;
        try {
            completion = chat.create(body, defect(f));
        } catch (FakeModel.DefectNotApplicable e) {
            notApplicable(f, e.getMessage());
            completion = chat.create(body, null);
        }
        if (stream) {
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            EventStream.send(ctx, chat.chunks(completion, usage), false, true, cutAfter(f));
        } else {
            json(ctx, completion);
        }
    }

    private static void requireApplicable(FaultChoice f, boolean stream) {
        if (f.effect() instanceof CutStream && !stream) {
            notApplicable(f, "applies only to streaming requests (\"stream\": true)");
        }
        if (f.effect() instanceof BatchOutcome) {
            notApplicable(f, "applies only to POST /v1/batches");
        }
    }

    private static SampleDefect defect(FaultChoice f) {
        return f.effect() instanceof BadSample b ? b.defect() : null;
    }

    private static int cutAfter(FaultChoice f) {
        return f.effect() instanceof CutStream c ? c.afterEvents() : -1;
    }

    private static void notApplicable(FaultChoice f, String why) {
        if (f.fromHeader()) {
            throw ApiException.invalid(
                    FAULT_HEADER + " '" + f.effect().describe() + "' cannot apply here: " + why + ".",
                    FAULT_HEADER,
                    "fault_not_applicable");
        }
    }

    private void uploadFile(Context ctx, FaultChoice f) throws IOException {
        String type = ctx.req().getContentType();
        if (type == null || !type.startsWith("multipart/form-data")) {
            throw ApiException.invalid(
                    "Uploads must be multipart/form-data with fields 'file' and 'purpose'.", "file", "invalid_request");
        }
        if (!checks.isLenient()) {
            checkUploadFields(ctx);
        }
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null) {
            throw ApiException.missing("file");
        }
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readAllBytes();
        }
        String seconds = ctx.formParam("expires_after[seconds]");
        Long ttl;
        try {
            ttl = seconds == null ? null : Long.valueOf(seconds);
        } catch (NumberFormatException e) {
            throw Fields.typeError(
                    "expires_after[seconds]",
                    "an integer",
                    Json.mapper().getNodeFactory().textNode(seconds));
        }
        var stored = files.upload(
                file.filename(), ctx.formParam("purpose"), bytes, ctx.formParam("expires_after[anchor]"), ttl);
        json(ctx, stored.json());
    }

    /** The multipart fields the spec's {@code CreateFileRequest} names; any other is refused as unknown. */
    private static final java.util.Set<String> UPLOAD_FIELDS =
            java.util.Set.of("file", "purpose", "expires_after[anchor]", "expires_after[seconds]");

    private static void checkUploadFields(Context ctx) {
        var names = new java.util.TreeSet<String>(ctx.formParamMap().keySet());
        names.addAll(ctx.uploadedFileMap().keySet());
        for (String name : names) {
            if (!UPLOAD_FIELDS.contains(name)) {
                throw ApiException.invalid("Unknown parameter: '" + name + "'.", name, "unknown_parameter");
            }
        }
    }

    private void listFiles(Context ctx, FaultChoice f) {
        json(
                ctx,
                files.list(
                        ctx.queryParam("purpose"),
                        intQuery(ctx, "limit", 10_000),
                        ctx.queryParam("order"),
                        ctx.queryParam("after")));
    }

    private void fileContent(Context ctx, FaultChoice f) {
        var file = files.get(ctx.pathParam("id"));
        ctx.status(200).contentType("application/octet-stream").result(file.bytes());
    }

    private void createBatch(Context ctx, FaultChoice f) {
        if (f.effect() instanceof CutStream || f.effect() instanceof BadSample) {
            notApplicable(f, "batches take batch:* faults, e.g. batch:expired");
        }
        var outcome = f.effect() instanceof BatchOutcome b ? b : null;
        json(ctx, batches.create(checked(ctx, "/v1/batches"), outcome));
    }

    private static JsonNode body(Context ctx) {
        try {
            return Json.parse(ctx.bodyAsBytes());
        } catch (JsonSyntaxException e) {
            throw ApiException.invalid(
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your"
                            + " HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not"
                            + " valid JSON.)",
                    null,
                    null);
        }
    }

    /** The JSON body, checked against the route's request schema and model list. */
    private JsonNode checked(Context ctx, String route) {
        JsonNode body = body(ctx);
        checks.check(route, body);
        return body;
    }

    /** An optional JSON body (absent: null), checked when present. */
    private JsonNode checkedOptional(Context ctx) {
        return ctx.bodyAsBytes().length == 0 ? null : checked(ctx, "/v1/realtime/client_secrets");
    }

    private static int intQuery(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(
                    "Invalid '" + name + "': expected an integer, got '" + v + "'.", name, "invalid_type");
        }
    }

    private static long longQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(
                    "Invalid '" + name + "': expected an integer, got '" + v + "'.", name, "invalid_type");
        }
    }

    private static boolean booleanQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ApiException.invalid(
                "Invalid '" + name + "': expected a boolean ('true' or 'false'), got '" + v + "'.",
                name,
                "invalid_type");
    }

    private static void retryAfter(Context ctx, Duration wait) {
        ctx.header("retry-after", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
        ctx.header("retry-after-ms", String.valueOf(wait.toMillis()));
    }

    private static void json(Context ctx, JsonNode node) {
        ctx.status(200).contentType(JSON).result(Json.writeBytes(node));
    }

    private static void error(Context ctx, ApiException e) {
        ctx.status(e.status()).contentType(JSON).result(Json.writeBytes(e.body()));
    }

    private static ApiException internal(Exception e) {
        if (isTooLarge(e)) {
            return new ApiException(
                    413, "Request too large: " + e.getMessage(), "invalid_request_error", null, "request_too_large");
        }
        return new ApiException(500, "The emulator failed: " + e, "server_error", null, null);
    }

    private static boolean isTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("exceeds") || m.contains("too large") || m.contains("max file size")) {
                return true;
            }
        }
        return false;
    }
}
