package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.json.Json;
import dev.keel.core.json.JsonSyntaxException;
import dev.keel.emulator.BatchTimings;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultEffect.BatchDefect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/batches}: creation with the API's checks, and a lifecycle computed from emulated time.
 *
 * <p>A batch's emulated age is its real age times the batch speed. With stage times V (validating),
 * p (per request), F (finalizing) and window W: it validates at V (failing with {@code errors.data}
 * when a line is bad), request i finishes at V + (i+1)·p, it is {@code finalizing} from V + n·p and
 * {@code completed} F later — unless processing would end after W, in which case it is {@code
 * expired} at W with the finished lines kept and {@code batch_expired} lines for the rest. A cancel
 * keeps the lines finished by then and ends {@code cancelled} after the cancelling time; unrun lines
 * are left out. Every {@code *_at} field is set when its stage is reached. Output and error files
 * are written once, when the batch ends. Thread-safe: each batch is advanced under its own lock.
 */
public final class BatchEngine {

    static final Set<String> ENDPOINTS = Set.of(
            "/v1/responses",
            "/v1/chat/completions",
            "/v1/embeddings",
            "/v1/completions",
            "/v1/moderations",
            "/v1/images/generations",
            "/v1/images/edits",
            "/v1/videos");

    private final InstantSource clock;
    private final double speed;
    private final BatchTimings timings;
    private final FileStore files;
    private final ModelRoutes routes;
    private final long maxBatchFileBytes;
    private final int maxBatchRequests;
    private final Map<String, Batch> batches = new LinkedHashMap<>();

    public BatchEngine(
            InstantSource clock,
            double speed,
            BatchTimings timings,
            FileStore files,
            ModelRoutes routes,
            long maxBatchFileBytes,
            int maxBatchRequests) {
        this.clock = clock;
        this.speed = speed;
        this.timings = timings;
        this.files = files;
        this.routes = routes;
        this.maxBatchFileBytes = maxBatchFileBytes;
        this.maxBatchRequests = maxBatchRequests;
    }

    /**
     * Creates a batch in {@code validating}.
     *
     * @param defect how the batch should go wrong, or null
     * @throws ApiException 400 for bad parameters, 404 for an unknown file, 413 for a file over the limit
     */
    public ObjectNode create(JsonNode body, FaultEffect.BatchOutcome outcome) {
        BatchDefect defect = outcome == null ? null : outcome.defect();
        Fields.object(body);
        String fileId = Fields.requiredString(body, "input_file_id");
        String endpoint = Fields.requiredString(body, "endpoint");
        String window = Fields.requiredString(body, "completion_window");
        checkEndpoint(endpoint);
        if (!window.equals("24h")) {
            throw ApiException.invalid(
                    "Invalid value: '" + window + "'. Supported values are: '24h'.",
                    "completion_window",
                    "invalid_value");
        }
        JsonNode metadata = Metadata.check(body.get("metadata"));
        FileStore.StoredFile input = files.get(fileId);
        if (!input.purpose().equals("batch")) {
            throw ApiException.invalid(
                    "The input file must have purpose 'batch', but '" + fileId + "' has purpose '" + input.purpose()
                            + "'.",
                    "input_file_id",
                    "invalid_value");
        }
        if (input.bytes().length > maxBatchFileBytes) {
            throw new ApiException(
                    413,
                    "The batch input file is larger than the " + maxBatchFileBytes + " maximum for the batch API.",
                    "invalid_request_error",
                    "input_file_id",
                    null);
        }
        var b = new Batch(Ids.hex("batch_"), endpoint, fileId, input.bytes(), metadata, defect, clock.instant());
        b.lineFailureRate = outcome == null ? 0 : outcome.lineFailureRate();
        synchronized (batches) {
            batches.put(b.id, b);
        }
        return view(b);
    }

    private static void checkEndpoint(String endpoint) {
        if (!ENDPOINTS.contains(endpoint)) {
            throw ApiException.invalid(
                    "Invalid value: '" + endpoint + "'. Supported values are: "
                            + String.join(", ", ENDPOINTS.stream().sorted().toList()) + ".",
                    "endpoint",
                    "invalid_value");
        }
        if (!ModelRoutes.BATCHABLE.contains(endpoint)) {
            throw ApiException.invalid(
                    "The keel emulator does not run batches for '" + endpoint + "'; it runs "
                            + String.join(
                                    ", ",
                                    ModelRoutes.BATCHABLE.stream().sorted().toList()) + ".",
                    "endpoint",
                    "unsupported_endpoint");
        }
    }

    /** The batch as it stands now. @throws ApiException 404 when there is none */
    public ObjectNode retrieve(String id) {
        return view(find(id));
    }

    /** A page of batches, newest first. */
    public ObjectNode list(int limit, String after) {
        if (limit < 1 || limit > 100) {
            throw ApiException.invalid(
                    "Invalid 'limit': expected 1 to 100, got " + limit + ".", "limit", "invalid_value");
        }
        List<Batch> all;
        synchronized (batches) {
            all = new ArrayList<>(batches.values());
        }
        java.util.Collections.reverse(all);
        return FileStore.Page.of(all.stream().map(this::view).toList(), limit, after);
    }

    /** Starts cancelling. @throws ApiException 404 when unknown, 400 when it has already ended */
    public ObjectNode cancel(String id) {
        Batch b = find(id);
        synchronized (b) {
            String status = advance(b).status;
            if (status.equals("validating") || status.equals("in_progress")) {
                b.cancelAt = elapsed(b);
            } else if (!status.equals("cancelling")) {
                throw ApiException.invalid(
                        "Cannot cancel a batch with status '" + status + "'.", null, "batch_not_cancellable");
            }
            return json(b, advance(b));
        }
    }

    private Batch find(String id) {
        synchronized (batches) {
            Batch b = batches.get(id);
            if (b == null) {
                throw ApiException.notFound("No batch found with id '" + id + "'.", "batch_id");
            }
            return b;
        }
    }

    private ObjectNode view(Batch b) {
        synchronized (b) {
            return json(b, advance(b));
        }
    }

    /** Emulated seconds since the batch was created. */
    private double elapsed(Batch b) {
        return Duration.between(b.createdReal, clock.instant()).toNanos() / 1e9 * speed;
    }

    private State advance(Batch b) {
        double now = elapsed(b);
        double v = seconds(timings.validating());
        if (b.cancelAt != null && b.cancelAt < v) {
            return cancelState(b, now, 0);
        }
        if (now < v) {
            return new State("validating");
        }
        validate(b);
        if (!b.errors.isEmpty()) {
            var s = new State("failed");
            s.failedAt = v;
            return s;
        }
        return running(b, now, v);
    }

    private State running(Batch b, double now, double v) {
        int n = b.lines.size();
        double per = seconds(timings.perRequest());
        double processingEnd = b.defect == BatchDefect.EXPIRED ? Double.POSITIVE_INFINITY : v + n * per;
        double window = seconds(timings.completionWindow());
        if (b.cancelAt != null) {
            return cancelState(b, now, doneBy(b, b.cancelAt, v, per));
        }
        var s = new State("in_progress");
        s.inProgressAt = v;
        s.done = doneBy(b, Math.min(now, window), v, per);
        if (processingEnd > window) {
            if (now >= window) {
                s.status = "expired";
                s.expiredAt = window;
                finish(b, s.done, true);
            }
            return s;
        }
        if (now >= processingEnd) {
            s.status = "finalizing";
            s.finalizingAt = processingEnd;
            double f = processingEnd + seconds(timings.finalizing());
            if (now >= f) {
                s.status = "completed";
                s.completedAt = f;
                finish(b, n, false);
            }
        }
        return s;
    }

    private State cancelState(Batch b, double now, int done) {
        var s = new State("cancelling");
        s.cancellingAt = b.cancelAt;
        s.done = done;
        if (b.lines != null && b.cancelAt >= seconds(timings.validating())) {
            s.inProgressAt = seconds(timings.validating());
        }
        double end = b.cancelAt + seconds(timings.cancelling());
        if (now >= end) {
            s.status = "cancelled";
            s.cancelledAt = end;
            if (b.lines != null) {
                finish(b, done, false);
            }
        }
        return s;
    }

    /** Requests finished by emulated time {@code t} (seconds), counted in whole nanoseconds so no rounding loses one. */
    private int doneBy(Batch b, double t, double v, double per) {
        int n = b.lines.size();
        long elapsed = Math.round(t * 1e9) - Math.round(v * 1e9);
        long perNanos = Math.round(per * 1e9);
        int done = perNanos <= 0 ? n : (int) Math.min(n, Math.floorDiv(elapsed, perNanos));
        if (b.defect == BatchDefect.EXPIRED) {
            done = Math.min(done, (n + 1) / 2);
        }
        return Math.max(0, done);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private void validate(Batch b) {
        if (b.lines != null) {
            return;
        }
        var v = new BatchValidation(b.endpoint, maxBatchRequests);
        b.lines = v.lines(new String(b.input, StandardCharsets.UTF_8));
        b.errors = v.errors();
        b.model = v.model();
        if (b.errors.isEmpty() && b.defect == BatchDefect.FAILED) {
            b.errors.add(BatchValidation.error(
                    "token_limit_exceeded",
                    "Enqueued token limit reached for " + b.model + " in organization org-keel-emulator. Limit: 90,000"
                            + " enqueued tokens. Please try again once some in_progress batches have been completed.",
                    null));
        }
        if (b.errors.isEmpty()) {
            b.results = new ArrayList<>();
            for (int i = 0; i < b.lines.size(); i++) {
                b.results.add(run(b, i));
            }
        }
    }

    private ModelRoutes.Result run(Batch b, int i) {
        boolean forcedFailure = b.defect == BatchDefect.ERROR_ONLY || (b.defect == BatchDefect.PARTIAL && i % 5 == 4);
        if (forcedFailure) {
            return new ModelRoutes.Result(500, ApiException.forStatus(500, null).body());
        }
        if (b.defect == BatchDefect.LINE_FAILURES && lineFails(b, i)) {
            int status = b.lineFailures++ % 2 == 0 ? 500 : 429;
            return new ModelRoutes.Result(
                    status, ApiException.forStatus(status, null).body());
        }
        return routes.execute(b.endpoint, b.lines.get(i).get("body"));
    }

    /** Whether request {@code i} of {@code b} fails: a hash of the batch id and index below the rate. */
    private static boolean lineFails(Batch b, int i) {
        long h = (b.id.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 < b.lineFailureRate;
    }

    private void finish(Batch b, int done, boolean expired) {
        if (b.finished) {
            return;
        }
        b.finished = true;
        var out = new StringBuilder();
        var err = new StringBuilder();
        for (int i = 0; i < b.lines.size(); i++) {
            String customId = b.lines.get(i).get("custom_id").asText();
            if (i < done) {
                ModelRoutes.Result r = b.results.get(i);
                (r.status() == 200 ? out : err)
                        .append(Json.write(outputLine(customId, r)))
                        .append('\n');
            } else if (expired) {
                err.append(Json.write(expiredLine(customId))).append('\n');
            }
        }
        long now = clock.instant().getEpochSecond();
        if (!out.isEmpty()) {
            b.outputFileId = files.add(b.id + "_output.jsonl", "batch_output", bytes(out), now, null)
                    .id();
        }
        if (!err.isEmpty()) {
            b.errorFileId = files.add(b.id + "_error.jsonl", "batch_output", bytes(err), now, null)
                    .id();
        }
    }

    private static byte[] bytes(StringBuilder b) {
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode outputLine(String customId, ModelRoutes.Result r) {
        ObjectNode line = Json.object();
        line.put("id", Ids.hex("batch_req_"));
        line.put("custom_id", customId);
        ObjectNode resp = line.putObject("response");
        resp.put("status_code", r.status());
        resp.put("request_id", Ids.hex("req_"));
        resp.set("body", r.body());
        line.putNull("error");
        return line;
    }

    private static ObjectNode expiredLine(String customId) {
        ObjectNode line = Json.object();
        line.put("id", Ids.hex("batch_req_"));
        line.put("custom_id", customId);
        line.putNull("response");
        line.putObject("error")
                .put("code", "batch_expired")
                .put("message", "This request could not be executed before the completion window expired.");
        return line;
    }

    private ObjectNode json(Batch b, State s) {
        long c = b.createdAt;
        ObjectNode j = Json.object();
        j.put("id", b.id);
        j.put("object", "batch");
        j.put("endpoint", b.endpoint);
        putPresent(j, "model", b.model);
        if (b.errors != null && !b.errors.isEmpty()) {
            ObjectNode errors = j.putObject("errors");
            errors.put("object", "list");
            ArrayNode data = errors.putArray("data");
            b.errors.forEach(data::add);
        }
        j.put("input_file_id", b.inputFileId);
        j.put("completion_window", "24h");
        j.put("status", s.status);
        putPresent(j, "output_file_id", b.outputFileId);
        putPresent(j, "error_file_id", b.errorFileId);
        j.put("created_at", c);
        putPresent(j, "in_progress_at", at(c, s.inProgressAt));
        j.put("expires_at", c + timings.completionWindow().toSeconds());
        putPresent(j, "finalizing_at", at(c, s.finalizingAt));
        putPresent(j, "completed_at", at(c, s.completedAt));
        putPresent(j, "failed_at", at(c, s.failedAt));
        putPresent(j, "expired_at", at(c, s.expiredAt));
        putPresent(j, "cancelling_at", at(c, s.cancellingAt));
        putPresent(j, "cancelled_at", at(c, s.cancelledAt));
        ObjectNode counts = j.putObject("request_counts");
        int total = b.lines == null || !b.errors.isEmpty() ? 0 : b.lines.size();
        int failed = 0;
        for (int i = 0; i < s.done; i++) {
            failed += b.results.get(i).status() == 200 ? 0 : 1;
        }
        counts.put("total", total);
        counts.put("completed", s.done - failed);
        counts.put("failed", failed + (s.status.equals("expired") ? total - s.done : 0));
        j.set("usage", usage(b, s.done));
        j.set("metadata", b.metadata);
        return j;
    }

    /**
     * Sets a field only when it has a value: the spec declares these fields non-nullable, so the
     * emulator leaves them out until they are set (the real API sends explicit nulls; see
     * docs/decisions.md — clients must treat missing and null alike).
     */
    private static void putPresent(ObjectNode j, String field, Object value) {
        if (value instanceof String str) {
            j.put(field, str);
        } else if (value instanceof Long l) {
            j.put(field, l);
        }
    }

    private static Long at(long createdAt, Double offset) {
        return offset == null ? null : createdAt + (long) Math.floor(offset);
    }

    private static ObjectNode usage(Batch b, int done) {
        long in = 0;
        long out = 0;
        long reasoning = 0;
        for (int i = 0; i < done; i++) {
            JsonNode u = b.results.get(i).body().path("usage");
            reasoning += u.has("output_tokens_details")
                    ? u.at("/output_tokens_details/reasoning_tokens").asLong()
                    : u.at("/completion_tokens_details/reasoning_tokens").asLong();
            in += u.has("input_tokens")
                    ? u.path("input_tokens").asLong()
                    : u.path("prompt_tokens").asLong();
            out += u.has("output_tokens")
                    ? u.path("output_tokens").asLong()
                    : u.path("completion_tokens").asLong();
        }
        ObjectNode usage = Json.object();
        usage.put("input_tokens", in);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", out);
        usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        usage.put("total_tokens", in + out);
        return usage;
    }

    /** Where a batch stands at one moment: its status and, in emulated seconds from creation, when each stage began. */
    private static final class State {
        String status;
        Double inProgressAt;
        Double finalizingAt;
        Double completedAt;
        Double failedAt;
        Double expiredAt;
        Double cancellingAt;
        Double cancelledAt;
        int done;

        State(String status) {
            this.status = status;
        }
    }

    /** One batch: what was asked, and what validation found. Guarded by its own monitor. */
    private static final class Batch {
        final String id;
        final String endpoint;
        final String inputFileId;
        final byte[] input;
        final JsonNode metadata;
        final BatchDefect defect;
        double lineFailureRate;
        int lineFailures;
        final Instant createdReal;
        final long createdAt;
        List<JsonNode> lines;
        List<ObjectNode> errors;
        List<ModelRoutes.Result> results;
        String model;
        Double cancelAt;
        boolean finished;
        String outputFileId;
        String errorFileId;

        Batch(
                String id,
                String endpoint,
                String fileId,
                byte[] input,
                JsonNode metadata,
                BatchDefect defect,
                Instant now) {
            this.id = id;
            this.endpoint = endpoint;
            this.inputFileId = fileId;
            this.input = input;
            this.metadata = metadata;
            this.defect = defect;
            this.createdReal = now;
            this.createdAt = now.getEpochSecond();
        }
    }

    /** The {@code metadata} rules: at most 16 pairs, keys up to 64 characters, string values up to 512. */
    static final class Metadata {
        private Metadata() {}

        static JsonNode check(JsonNode metadata) {
            if (metadata == null || metadata.isNull()) {
                return Json.mapper().nullNode();
            }
            if (!metadata.isObject() || metadata.size() > 16) {
                throw ApiException.invalid(
                        "Invalid 'metadata': expected an object with at most 16 key-value pairs.",
                        "metadata",
                        "invalid_value");
            }
            metadata.properties().forEach(e -> {
                if (e.getKey().length() > 64
                        || !e.getValue().isTextual()
                        || e.getValue().asText().length() > 512) {
                    throw ApiException.invalid(
                            "Invalid 'metadata." + e.getKey()
                                    + "': keys are at most 64 characters and values strings of at" + " most 512.",
                            "metadata",
                            "invalid_value");
                }
            });
            return metadata;
        }
    }

    /** Checks a batch input file line by line, as the API's validating stage does. Not thread-safe. */
    static final class BatchValidation {
        private final String endpoint;
        private final int maxRequests;
        private final List<ObjectNode> errors = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private String model;

        BatchValidation(String endpoint, int maxRequests) {
            this.endpoint = endpoint;
            this.maxRequests = maxRequests;
        }

        List<JsonNode> lines(String text) {
            var lines = new ArrayList<JsonNode>();
            String[] raw = text.split("\n", -1);
            for (int i = 0; i < raw.length; i++) {
                if (!raw[i].isBlank()) {
                    JsonNode line = line(raw[i], i + 1);
                    if (line != null) {
                        lines.add(line);
                    }
                }
            }
            if (lines.isEmpty() && errors.isEmpty()) {
                errors.add(error("empty_file", "The batch input file is empty.", null));
            }
            if (lines.size() > maxRequests) {
                errors.add(error(
                        "too_many_tasks",
                        "The batch has " + lines.size() + " requests; the maximum is " + maxRequests + ".",
                        null));
            }
            return lines;
        }

        private JsonNode line(String raw, int lineNo) {
            JsonNode line;
            try {
                line = Json.parse(raw);
            } catch (JsonSyntaxException e) {
                errors.add(error("invalid_json_line", "This line is not parseable as valid JSON.", lineNo));
                return null;
            }
            for (String field : new String[] {"custom_id", "method", "url", "body"}) {
                if (!line.hasNonNull(field)) {
                    errors.add(withParam(
                            error("missing_required_parameter", "Missing required parameter: '" + field + "'.", lineNo),
                            field));
                    return null;
                }
            }
            String customId = line.get("custom_id").asText();
            if (!ids.add(customId)) {
                errors.add(error(
                        "duplicate_custom_id",
                        "The custom_id '" + customId
                                + "' is duplicated; custom_id values must be unique within a batch.",
                        lineNo));
            }
            if (!"POST".equals(line.get("method").asText())) {
                errors.add(withParam(error("invalid_value", "Only the POST method is supported.", lineNo), "method"));
            }
            if (!endpoint.equals(line.get("url").asText())) {
                errors.add(error(
                        "url_mismatch",
                        "The provided URL '" + line.get("url").asText() + "' does not match the batch endpoint '"
                                + endpoint + "'.",
                        lineNo));
            }
            checkBody(line.get("body"), lineNo);
            return line;
        }

        private void checkBody(JsonNode body, int lineNo) {
            String lineModel = body.path("model").asText(null);
            if (model == null) {
                model = lineModel;
            } else if (lineModel != null && !lineModel.equals(model)) {
                errors.add(error(
                        "model_mismatch",
                        "The model '" + lineModel + "' does not match the batch's model '" + model + "'; a batch may"
                                + " target only one model.",
                        lineNo));
            }
            if (body.path("stream").asBoolean(false)) {
                errors.add(withParam(
                        error("invalid_value", "Streaming is not supported in the Batch API.", lineNo), "body.stream"));
            }
        }

        List<ObjectNode> errors() {
            return errors;
        }

        String model() {
            return model;
        }

        static ObjectNode error(String code, String message, Integer line) {
            ObjectNode e = Json.object();
            e.put("code", code);
            e.put("message", message);
            e.putNull("param");
            e.put("line", line);
            return e;
        }

        private static ObjectNode withParam(ObjectNode e, String param) {
            return e.put("param", param);
        }
    }
}
