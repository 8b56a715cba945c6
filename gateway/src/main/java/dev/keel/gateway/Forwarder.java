package dev.keel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.CallHeaders;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.UnknownModelPriceException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.RawCall;
import dev.keel.core.http.SseMeter;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client call through the gateway, in order: authenticate the gateway key; read the body
 * (bounded); note a client retry; take a concurrency permit, a request and the worst-case tokens
 * from the key's buckets and reserve the worst-case spend; answer a duplicate {@code
 * Idempotency-Key} from the store; forward through keel's pipeline ({@link RawCall} → {@link
 * KeelClient#execute}); write the answer (a stream as it arrives); settle spend and tokens to the
 * real usage. With tracing on, the context the request carries (its {@code traceparent}) is current
 * while it is served, so keel's call span continues the client's trace. Thread-safe; one instance
 * serves every request.
 */
final class Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Set<String> GENERATION = Set.of("/v1/responses", "/v1/chat/completions", "/v1/embeddings");
    private static final Duration IDEMPOTENCY_TTL = Duration.ofHours(24);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final String BATCH_CREATE = "POST /v1/batches";
    /** The largest streamed answer kept for an Idempotency-Key replay; a longer one is not stored. */
    static final int MAX_STORED_STREAM = 16 * 1024 * 1024;

    private final KeelClient client;
    private final java.util.concurrent.atomic.AtomicReference<GatewayKeys> keys;
    private final GatewaySettings settings;
    private final RateLimits rates;
    private final Concurrency concurrency;
    private final SpendCaps caps;
    private final BatchSpend batches;
    private final IdempotencyStore idempotency;
    private final UpstreamStrain strain;
    private final GatewayMetrics metrics;
    private final Sleeper sleeper;
    /** Reads the client's trace context; null when tracing is off. */
    private final TextMapPropagator propagator;

    Forwarder(Gateway.Parts p, UpstreamStrain strain, GatewayMetrics metrics) {
        this.client = p.client();
        this.keys = p.keys();
        this.settings = p.settings();
        this.rates = p.rates();
        this.concurrency = new Concurrency();
        this.caps = p.caps();
        this.batches = new BatchSpend(p.caps(), p.client());
        this.idempotency = p.idempotency();
        this.strain = strain;
        this.metrics = metrics;
        this.sleeper = p.sleeper();
        this.propagator = p.propagator();
    }

    /** A refusal thrown inside a step, answered as it is. */
    static final class Refused extends RuntimeException {
        final Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.code(), null, false, false);
            this.refusal = refusal;
        }
    }

    /** Per-call bookkeeping. */
    private static final class Call {
        final long start = System.nanoTime();
        final String route;
        GatewayKey key;
        long upstreamNanos;
        int status;

        Call(String route) {
            this.route = route;
        }
    }

    void handle(Exchange ex, String route) throws IOException {
        var call = new Call(route);
        if (propagator == null) {
            served(ex, call);
        } else {
            // The client's context (or none: a new trace) is the parent of keel's call span.
            Context parent = propagator.extract(Context.root(), ex, Exchange.HEADERS);
            try (Scope ignored = parent.makeCurrent()) {
                served(ex, call);
            }
        }
        metrics.request(call.key, route, call.status);
    }

    private void served(Exchange ex, Call call) throws IOException {
        try {
            serve(ex, call);
        } catch (Refused r) {
            refuse(ex, call, r.refusal);
        }
    }

    private void serve(Exchange ex, Call call) throws IOException {
        call.key = authenticate(ex.header("Authorization"));
        GatewayKey key = call.key;
        Map<String, List<String>> headers = ex.headers();
        if (propagator != null) {
            // keel's span names itself upstream; the client's traceparent/tracestate would contradict it.
            propagator.fields().forEach(f -> headers.remove(f.toLowerCase(Locale.ROOT)));
        }
        byte[] body = readBody(ex);
        if (isClientRetry(headers)) {
            metrics.nestedRetry(key);
            ex.setHeader(Answers.CLIENT_RETRIES, "disable; the keel gateway retries with a budget, set max_retries=0");
            if (key.limits().refuseNestedRetries() && strain.strained()) {
                throw new Refused(Refusal.nestedRetry());
            }
        }
        CallOptions options = options(headers);
        HttpCall upstream =
                RawCall.of(ex.method(), upstreamPath(ex), headers, body == null ? null : ex.contentType(), body, true);
        if (!concurrency.tryAcquire(key)) {
            throw new Refused(Refusal.concurrency(key.limits().concurrency()));
        }
        try {
            limited(ex, call, upstream, body, options);
        } finally {
            concurrency.release(key);
        }
    }

    private void limited(Exchange ex, Call call, HttpCall upstream, byte[] body, CallOptions options)
            throws IOException {
        GatewayKey key = call.key;
        refuseIf(rates.takeRequest(key));
        SpendCaps.Reservation held = SpendCaps.Reservation.NONE;
        if (GENERATION.contains(call.route.substring(call.route.indexOf(' ') + 1)) && body != null) {
            held = reserve(key, call.route.substring(call.route.indexOf(' ') + 1), body);
        } else if (call.route.equals(BATCH_CREATE)
                && body != null
                && key.limits().capsSpend()) {
            held = batches.reserve(key, body, options);
        }
        boolean settled = false;
        try {
            settled = options.idempotencyKey() != null
                    ? exactlyOnce(ex, call, upstream, options, held)
                    : forward(ex, call, upstream, options, held);
        } finally {
            if (!settled) {
                caps.release(held);
                rates.giveBack(key, held.tokens());
            }
        }
    }

    /** Takes the worst-case tokens and reserves the worst-case spend; the reservation to settle. */
    private SpendCaps.Reservation reserve(GatewayKey key, String path, byte[] body) {
        KeyLimits limits = key.limits();
        if (limits.tokensPerMinute() == 0 && !limits.capsSpend()) {
            return SpendCaps.Reservation.NONE;
        }
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (JsonSyntaxException e) {
            return SpendCaps.Reservation.NONE; // not JSON: the upstream refuses it, at no cost
        }
        SpendCaps.WorstCase worst;
        try {
            worst = caps.worstCase(path, json, limits.capsSpend());
        } catch (UnknownModelPriceException e) {
            throw new Refused(Refusal.badRequest(
                    "keel_unknown_price",
                    "The gateway key '" + key.id() + "' has a spend cap and model '"
                            + json.path("model").asText()
                            + "' has no price in the gateway's price table, so its cost cannot be bounded: "
                            + e.getMessage()));
        }
        refuseIf(rates.takeTokens(key, worst.tokens()));
        Object r = caps.reserve(key, worst);
        if (r instanceof Refusal refusal) {
            rates.giveBack(key, worst.tokens());
            throw new Refused(refusal);
        }
        return (SpendCaps.Reservation) r;
    }

    /**
     * Forwards and writes the answer.
     *
     * @return whether the reservation was settled (otherwise the caller gives it back whole)
     */
    private boolean forward(Exchange ex, Call call, HttpCall upstream, CallOptions options, SpendCaps.Reservation held)
            throws IOException {
        HttpResult result;
        long sent = System.nanoTime();
        try {
            result = client.execute(upstream, options);
        } catch (KeelException e) {
            call.upstreamNanos = System.nanoTime() - sent;
            failed(ex, call, e);
            return false;
        }
        call.upstreamNanos = System.nanoTime() - sent;
        if (result.stream() != null) {
            stream(ex, call, upstream, result, held, null);
            return true;
        }
        // Settled before the answer is written: the upstream has billed it even if the client is gone.
        settleAnswer(call, held, result.body());
        try (result) {
            head(ex, call, result.status(), result.headers(), result.attempts());
            Answers.body(ex, result.body());
        }
        return true;
    }

    /**
     * Copies a stream as it arrives; a cut reaches the client as an SSE error event, never a clean end.
     *
     * @param copy where the stream's bytes are copied as they pass (to store them), or null
     * @return whether the stream reached its terminal event and the client took all of it
     */
    private boolean stream(
            Exchange ex, Call call, HttpCall upstream, HttpResult result, SpendCaps.Reservation held, StreamCopy copy)
            throws IOException {
        boolean delivered = false;
        SseMeter meter = new SseMeter(result, RawCall.isChatStream(upstream));
        try (meter) {
            head(ex, call, result.status(), result.headers(), result.attempts());
            OutputStream out = ex.stream();
            out.flush();
            byte[] buf = new byte[8192];
            while (true) {
                int n;
                try {
                    n = meter.read(buf);
                } catch (IOException cut) {
                    LOG.info(
                            "upstream stream cut key={} route={} reason={}",
                            call.key.id(),
                            call.route,
                            cut.getMessage());
                    out.write(
                            Answers.streamCutEvent("The upstream stream was cut before its end: " + cut.getMessage()));
                    out.flush();
                    break;
                }
                if (n < 0) {
                    delivered = true;
                    break;
                }
                if (copy != null) {
                    copy.add(buf, n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException clientGone) {
            delivered = false;
            LOG.info("client left a stream key={} route={}", call.key.id(), call.route);
        }
        StreamOutcome outcome = meter.outcome();
        // A finished stream is settled to its usage; a cut or abandoned one keeps the worst case.
        settle(call.key, held, outcome instanceof StreamOutcome.Finished f ? f.billed() : null);
        return delivered && outcome instanceof StreamOutcome.Finished;
    }

    /** A streamed answer's bytes as they pass, up to a bound; past it the stream is not stored. */
    private static final class StreamCopy {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final int max;
        private boolean overflowed;

        StreamCopy(int max) {
            this.max = max;
        }

        void add(byte[] b, int n) {
            if (overflowed || bytes.size() + n > max) {
                overflowed = true;
                return;
            }
            bytes.write(b, 0, n);
        }

        /** The whole stream, or null when it was larger than the bound. */
        byte[] whole() {
            return overflowed ? null : bytes.toByteArray();
        }
    }

    /**
     * An {@code Idempotency-Key} call: the first does the work; a duplicate after it succeeded gets
     * the stored answer; a duplicate while it is in flight waits (up to the idempotency wait) or gets
     * 409; a final failure releases the key.
     */
    private boolean exactlyOnce(
            Exchange ex, Call call, HttpCall upstream, CallOptions options, SpendCaps.Reservation held)
            throws IOException {
        var key = new IdempotencyKey("gw:" + call.key.id() + ":" + options.idempotencyKey());
        String fingerprint = IdempotencyStore.hash(upstream.describe() + "\n"
                + (upstream.body() == null ? "" : new String(upstream.body(), StandardCharsets.UTF_8)));
        long waitUntil = System.nanoTime() + settings.idempotencyWait().toNanos();
        while (true) {
            IdempotencyStore.Claim claim = idempotency.claim(key, IDEMPOTENCY_TTL);
            switch (claim) {
                case IdempotencyStore.Claim.Done d -> {
                    replay(ex, call, d.result(), fingerprint, options.idempotencyKey());
                    return false; // this duplicate made no upstream call: its reservation goes back whole
                }
                case IdempotencyStore.Claim.InProgress p -> {
                    if (System.nanoTime() >= waitUntil) {
                        throw new Refused(Refusal.conflict(options.idempotencyKey()));
                    }
                    pause();
                }
                case IdempotencyStore.Claim.Acquired a -> {
                    return owned(ex, call, upstream, options, held, key, a.token(), fingerprint);
                }
            }
        }
    }

    private boolean owned(
            Exchange ex,
            Call call,
            HttpCall upstream,
            CallOptions options,
            SpendCaps.Reservation held,
            IdempotencyKey key,
            String token,
            String fingerprint)
            throws IOException {
        HttpResult result;
        long sent = System.nanoTime();
        try {
            result = client.execute(upstream, options);
        } catch (KeelException e) {
            call.upstreamNanos = System.nanoTime() - sent;
            idempotency.release(key, token);
            failed(ex, call, e);
            return false;
        }
        call.upstreamNanos = System.nanoTime() - sent;
        if (result.stream() != null) {
            // Stored as it passes; kept only when it reached its terminal event and the client took it
            // whole. A cut, abandoned or oversized stream releases the key: the next call does the work.
            var copy = new StreamCopy(MAX_STORED_STREAM);
            boolean whole = false;
            try {
                whole = stream(ex, call, upstream, result, held, copy);
            } finally {
                byte[] bytes = copy.whole();
                if (whole && bytes != null) {
                    idempotency.complete(
                            key,
                            token,
                            stored(result.status(), result.attempts(), result.headers(), bytes, fingerprint),
                            IDEMPOTENCY_TTL);
                } else {
                    idempotency.release(key, token);
                }
            }
            return true;
        }
        settleAnswer(call, held, result.body());
        try (result) {
            idempotency.complete(
                    key,
                    token,
                    stored(result.status(), result.attempts(), result.headers(), result.body(), fingerprint),
                    IDEMPOTENCY_TTL);
            head(ex, call, result.status(), result.headers(), result.attempts());
            Answers.body(ex, result.body());
        }
        return true;
    }

    private void pause() {
        try {
            sleeper.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(Refusal.conflict("(interrupted)"));
        }
    }

    /** The answer as the store keeps it: status, the headers worth replaying, the body, the request's fingerprint. */
    private static String stored(
            int status, int attempts, Map<String, List<String>> headers, byte[] body, String fingerprint) {
        ObjectNode o = Json.object();
        o.put("fingerprint", fingerprint);
        o.put("status", status);
        o.put("attempts", attempts);
        ObjectNode h = o.putObject("headers");
        headers.forEach((header, values) -> {
            String name = header.toLowerCase(Locale.ROOT);
            if (!values.isEmpty()
                    && (name.equals("content-type") || name.startsWith("x-request-id") || name.startsWith("openai-"))) {
                h.put(name, values.get(0));
            }
        });
        o.put("body", Base64.getEncoder().encodeToString(body));
        return Json.write(o);
    }

    private void replay(Exchange ex, Call call, String stored, String fingerprint, String idemKey) throws IOException {
        JsonNode o = Json.parse(stored);
        if (!fingerprint.equals(o.path("fingerprint").asText())) {
            throw new Refused(Refusal.conflictingBody(idemKey));
        }
        var headers = new LinkedHashMap<String, List<String>>();
        o.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), List.of(e.getValue().asText())));
        ex.setHeader(Answers.REPLAYED, "true");
        head(ex, call, o.path("status").asInt(), headers, 0);
        Answers.body(ex, Base64.getDecoder().decode(o.path("body").asText()));
    }

    /** keel's final failure: the upstream's own answer when there was one, else keel's verdict. */
    private void failed(Exchange ex, Call call, KeelException e) throws IOException {
        if (e.status() >= 300 && e.upstreamError() != null) {
            head(ex, call, e.status(), e.headers(), e.attempts());
            ex.setHeader(Answers.SHOULD_RETRY, "false"); // keel's retry layer has already retried
            String raw = e.rawBody();
            Answers.body(ex, raw == null ? new byte[0] : raw.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ex.setHeader(Answers.ATTEMPTS, Integer.toString(e.attempts()));
        refuse(ex, call, Answers.rejection(e));
    }

    private void head(Exchange ex, Call call, int status, Map<String, List<String>> upstreamHeaders, int attempts) {
        call.status = status;
        ex.status(status);
        Answers.upstreamHeaders(ex, upstreamHeaders);
        if (ex.answerHeader(Answers.REQUEST_ID) == null) {
            ex.setHeader(Answers.REQUEST_ID, ownRequestId());
        }
        ex.setHeader(Answers.ATTEMPTS, Integer.toString(attempts));
        long overhead = Math.max(0, System.nanoTime() - call.start - call.upstreamNanos);
        ex.setHeader(Answers.OVERHEAD, Answers.millis(overhead));
        metrics.overhead(overhead / 1_000_000.0);
    }

    private void refuse(Exchange ex, Call call, Refusal r) throws IOException {
        call.status = r.status();
        metrics.refusal(call.key, r.reason());
        if (ex.committed()) {
            return;
        }
        if (ex.answerHeader(Answers.REQUEST_ID) == null) {
            ex.setHeader(Answers.REQUEST_ID, ownRequestId());
        }
        ex.setHeader(Answers.OVERHEAD, Answers.millis(System.nanoTime() - call.start - call.upstreamNanos));
        Answers.refusal(ex, r);
    }

    /**
     * Settles a buffered answer: a call to its usage; a created batch stays reserved until an answer
     * shows it ended; an answer about batches settles those that did.
     */
    private void settleAnswer(Call call, SpendCaps.Reservation held, byte[] body) {
        if (call.route.equals(BATCH_CREATE)) {
            if (!held.periods().isEmpty()) {
                batches.created(held, body);
            }
            return;
        }
        if (call.route.contains(" /v1/batches")) {
            batches.seen(body);
            return;
        }
        settle(call.key, held, held.periods().isEmpty() && held.tokens() == 0 ? null : billed(body));
    }

    private void settle(GatewayKey key, SpendCaps.Reservation held, JsonNode billed) {
        caps.settle(held, billed);
        long used = SpendCaps.usedTokens(billed);
        rates.giveBack(key, used < 0 ? 0 : held.tokens() - used);
    }

    /** The answer's body as the object carrying {@code model} and {@code usage}, or null when it is not JSON. */
    private static JsonNode billed(byte[] body) {
        try {
            return Json.parse(body);
        } catch (JsonSyntaxException e) {
            return null;
        }
    }

    private GatewayKey authenticate(String authorization) {
        return switch (keys.get().authenticate(authorization)) {
            case GatewayKeys.Auth.Ok ok -> ok.key();
            case GatewayKeys.Auth.Refused r -> throw new Refused(Refusal.unauthenticated(r.message()));
        };
    }

    private static CallOptions options(Map<String, List<String>> headers) {
        CallOptions o;
        try {
            o = CallHeaders.read(headers, first(headers, "idempotency-key"), "fix the header your client sends");
        } catch (IllegalArgumentException e) {
            throw new Refused(Refusal.badRequest("keel_bad_header", e.getMessage()));
        }
        if (o.trafficClass() != TrafficClass.ONLINE) {
            throw new Refused(Refusal.badRequest(
                    "keel_bad_header",
                    "request header " + CallHeaders.TRAFFIC_CLASS + ": this gateway carries online traffic only;"
                            + " send batch work to a gateway started for batch traffic"));
        }
        return o;
    }

    private static boolean isClientRetry(Map<String, List<String>> headers) {
        String count = first(headers, "x-stainless-retry-count");
        if (count == null) {
            return false;
        }
        try {
            return Integer.parseInt(count.strip()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The body, at most {@code maxBodyBytes}: refused from its declared length before a byte is read,
     * or as soon as it passes the bound; a body that stalls past the body timeout gets 408.
     */
    private byte[] readBody(Exchange ex) {
        long declared = ex.declaredLength();
        int max = settings.maxBodyBytes();
        if (declared > max) {
            throw new Refused(Refusal.tooLarge(declared + " bytes", max));
        }
        if (declared == 0 || (declared < 0 && !"POST".equals(ex.method()))) {
            return null;
        }
        try (InputStream in = ex.body()) {
            // A declared length is read as one array of that size (a body sent short is cut by the server);
            // a chunked one in steps, up to one byte past the bound.
            byte[] body = in.readNBytes(declared >= 0 ? (int) declared : max + 1);
            if (body.length > max) {
                throw new Refused(Refusal.tooLarge("over " + max + " bytes", max));
            }
            return body.length == 0 && declared < 0 ? null : body;
        } catch (IOException e) {
            throw new Refused(Refusal.bodyTimeout(settings.bodyTimeout()));
        }
    }

    private static String upstreamPath(Exchange ex) {
        String path = ex.path().substring("/v1".length());
        String query = ex.query();
        return query == null ? path : path + "?" + query;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void refuseIf(Refusal r) {
        if (r != null) {
            throw new Refused(r);
        }
    }

    private static String ownRequestId() {
        return "req_keel_"
                + Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }
}
