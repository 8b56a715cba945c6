package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.BatchTimings;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultEffect.BatchDefect;
import dev.keel.wire.json.Json;
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
 * are left out. Every {@code *_at} field is set when its stage is reached.
 *
 * <p>The input is validated and run when the batch is created (its outcome is shown only once the
 * batch reaches that stage), so a batch never keeps its input file or parsed lines: only its
 * {@link BatchResults} — the output and error lines, serialised once — which count against the
 * {@link StorageBudget} until the batch ends and they become its output and error files. Results
 * evicted before that leave the batch reporting its final counts, with output and error file ids
 * that answer 404. With a {@link DataDir} each batch is written to disk when it is created, cancelled
 * and finished (before the answer is sent) and loaded again at start; its progress is computed from
 * its creation time on the wall clock, so it moves on while no emulator runs, as the API's batches
 * do. Thread-safe: each batch is advanced under its own lock.
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
    private final StorageBudget budget;
    private final ModelRoutes routes;
    private final long maxBatchFileBytes;
    private final int maxBatchRequests;
    private final Map<String, Batch> batches = new LinkedHashMap<>();
    private final DataDir disk;
    private long seq;

    public BatchEngine(
            InstantSource clock,
            double speed,
            BatchTimings timings,
            FileStore files,
            StorageBudget budget,
            ModelRoutes routes,
            long maxBatchFileBytes,
            int maxBatchRequests) {
        this(clock, speed, timings, files, budget, routes, maxBatchFileBytes, maxBatchRequests, DataDir.NONE);
    }

    /** An engine that keeps its batches in {@code disk} too, loading those stored there before. */
    public BatchEngine(
            InstantSource clock,
            double speed,
            BatchTimings timings,
            FileStore files,
            StorageBudget budget,
            ModelRoutes routes,
            long maxBatchFileBytes,
            int maxBatchRequests,
            DataDir disk) {
        this.clock = clock;
        this.speed = speed;
        this.timings = timings;
        this.files = files;
        this.budget = budget;
        this.routes = routes;
        this.maxBatchFileBytes = maxBatchFileBytes;
        this.maxBatchRequests = maxBatchRequests;
        this.disk = disk;
        load();
    }

    private void load() {
        var stored = new java.util.TreeMap<Long, Batch>();
        for (byte[] record : disk.readAll("batches")) {
            JsonNode j = Json.parse(record);
            stored.put(j.path("seq").asLong(), Batch.restore(j));
        }
        stored.forEach((n, b) -> {
            seq = Math.max(seq, n);
            synchronized (batches) {
                batches.put(b.id, b);
            }
            BatchResults r = b.results;
            if (r != null) {
                budget.admit(b.id, r.bytes(), () -> b.results = null);
            }
        });
    }

    /** Writes {@code b} to the data directory (a no-op without one); called under its lock or before it is shared. */
    private void persist(Batch b) {
        if (!disk.enabled()) {
            return;
        }
        long n;
        synchronized (batches) {
            n = b.seq != 0 ? b.seq : ++seq;
        }
        b.seq = n;
        disk.write("batches", b.id, Json.writeBytes(b.toJson()));
    }

    /**
     * Creates a batch in {@code validating}.
     *
     * @param outcome how the batch should go wrong (its defect and timing), or null
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
        Long outputTtl = outputExpiresAfter(body.get("output_expires_after"));
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
        var b = new Batch(Ids.hex("batch_"), endpoint, fileId, metadata, defect, clock.instant());
        b.lineFailureRate = outcome == null ? 0 : outcome.lineFailureRate();
        b.outputTtl = outputTtl;
        prepare(b, input.bytes());
        persist(b);
        synchronized (batches) {
            batches.put(b.id, b);
        }
        return view(b);
    }

    /** Output and error files live 30 days unless {@code output_expires_after} says otherwise. */
    static final long OUTPUT_DEFAULT_EXPIRY_S = 30L * 24 * 3600;

    /**
     * {@code output_expires_after} ({@code BatchFileExpirationAfter}): {@code anchor} {@code
     * created_at} (the output file's creation) and {@code seconds} 3600–2592000; null when absent.
     */
    private static Long outputExpiresAfter(JsonNode after) {
        if (after == null || after.isNull()) {
            return null;
        }
        if (!after.isObject()) {
            throw Fields.typeError("output_expires_after", "an object", after);
        }
        JsonNode anchor = after.get("anchor");
        if (anchor == null) {
            throw ApiException.missing("output_expires_after.anchor");
        }
        if (!"created_at".equals(anchor.asText())) {
            throw ApiException.invalid(
                    "Invalid value: '" + anchor.asText() + "'. Supported values are: 'created_at'.",
                    "output_expires_after.anchor",
                    "invalid_value");
        }
        JsonNode seconds = after.get("seconds");
        if (seconds == null) {
            throw ApiException.missing("output_expires_after.seconds");
        }
        if (!seconds.canConvertToLong() || !seconds.isIntegralNumber()) {
            throw Fields.typeError("output_expires_after.seconds", "an integer", seconds);
        }
        long s = seconds.asLong();
        if (s < 3600) {
            throw ApiException.invalid(
                    "Invalid 'output_expires_after.seconds': integer below minimum value. Expected a value >= 3600,"
                            + " but got " + s + " instead.",
                    "output_expires_after.seconds",
                    "integer_below_min_value");
        }
        if (s > 2_592_000) {
            throw ApiException.invalid(
                    "Invalid 'output_expires_after.seconds': integer above maximum value. Expected a value <="
                            + " 2592000, but got " + s + " instead.",
                    "output_expires_after.seconds",
                    "integer_above_max_value");
        }
        return s;
    }

    /** A batch that reached a terminal status: {@code completed}, {@code failed}, {@code expired} or {@code cancelled}. */
    public record Terminal(String batchId, String status) {}

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");

    /**
     * The batches that reached a terminal status since the last call, each reported once (also across
     * restarts on a data directory): what the webhook sender delivers.
     */
    public List<Terminal> newlyTerminal() {
        List<Batch> all;
        synchronized (batches) {
            all = new ArrayList<>(batches.values());
        }
        var out = new ArrayList<Terminal>();
        for (Batch b : all) {
            synchronized (b) {
                if (b.notified) {
                    continue;
                }
                String status = advance(b).status;
                if (TERMINAL.contains(status)) {
                    b.notified = true;
                    persist(b);
                    out.add(new Terminal(b.id, status));
                }
            }
        }
        return out;
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
                persist(b);
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
        if (!b.errors.isEmpty()) {
            var s = new State("failed");
            s.validated = true;
            s.failedAt = v;
            return s;
        }
        State s = running(b, now, v);
        s.validated = true;
        return s;
    }

    private State running(Batch b, double now, double v) {
        int n = b.requests;
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
        boolean ran = b.cancelAt >= seconds(timings.validating());
        if (ran) {
            s.validated = true;
            s.inProgressAt = seconds(timings.validating());
        }
        double end = b.cancelAt + seconds(timings.cancelling());
        if (now >= end) {
            s.status = "cancelled";
            s.cancelledAt = end;
            if (ran) {
                finish(b, done, false);
            }
        }
        return s;
    }

    /** Requests finished by emulated time {@code t} (seconds), counted in whole nanoseconds so no rounding loses one. */
    private int doneBy(Batch b, double t, double v, double per) {
        int n = b.requests;
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

    /** Validates the input and, when it is valid, runs every request: the batch keeps only the results. */
    private void prepare(Batch b, byte[] input) {
        var v = new BatchValidation(b.endpoint, maxBatchRequests);
        v.check(input);
        b.errors = v.errors();
        b.model = v.model();
        b.requests = v.requests();
        if (b.errors.isEmpty() && b.defect == BatchDefect.FAILED) {
            b.errors.add(BatchValidation.error(
                    "token_limit_exceeded",
                    "Enqueued token limit reached for " + b.model + " in organization org-keel-emulator. Limit: 90,000"
                            + " enqueued tokens. Please try again once some in_progress batches have been completed.",
                    null));
        }
        if (!b.errors.isEmpty()) {
            return;
        }
        var results = new BatchResults(b.requests);
        int[] i = {0};
        JsonLines.forEach(input, line -> {
            ObjectNode request = ((JsonLines.Parsed) line).value();
            results.add(request.get("custom_id").asText(), run(b, i[0]++, request.get("body")));
        });
        results.trim();
        b.summary = Summary.of(results, b.requests);
        b.results = results;
        budget.admit(b.id, results.bytes(), () -> b.results = null);
    }

    private ModelRoutes.Result run(Batch b, int i, JsonNode body) {
        boolean forcedFailure = b.defect == BatchDefect.ERROR_ONLY || (b.defect == BatchDefect.PARTIAL && i % 5 == 4);
        if (forcedFailure) {
            return new ModelRoutes.Result(500, ApiException.forStatus(500, null).body());
        }
        if (b.defect == BatchDefect.LINE_FAILURES && lineFails(b, i)) {
            int status = b.lineFailures++ % 2 == 0 ? 500 : 429;
            return new ModelRoutes.Result(
                    status, ApiException.forStatus(status, null).body());
        }
        return routes.execute(b.endpoint, body);
    }

    /** Whether request {@code i} of {@code b} fails: a hash of the batch id and index below the rate. */
    private static boolean lineFails(Batch b, int i) {
        long h = (b.id.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 < b.lineFailureRate;
    }

    /** Writes the output and error files of the first {@code done} requests, once; the results are then dropped. */
    private void finish(Batch b, int done, boolean expired) {
        if (b.finished) {
            return;
        }
        b.finished = true;
        BatchResults r = b.results;
        if (r == null) {
            // Evicted from the storage budget before the batch ended: the files are gone, as a deleted file is.
            if (b.summary.failed() < b.requests && done > 0) {
                b.outputFileId = Ids.alnum("file-");
            }
            if (b.summary.failed() > 0 || (expired && done < b.requests)) {
                b.errorFileId = Ids.alnum("file-");
            }
            persist(b);
            return;
        }
        b.summary = Summary.of(r, done);
        byte[] out = r.outputFile(done);
        byte[] err = r.errorFile(done, expired);
        b.results = null;
        budget.release(b.id);
        long now = clock.instant().getEpochSecond();
        long expires = now + (b.outputTtl == null ? OUTPUT_DEFAULT_EXPIRY_S : b.outputTtl);
        if (out != null) {
            b.outputFileId = files.add(b.id + "_output.jsonl", "batch_output", out, now, expires)
                    .id();
        }
        if (err != null) {
            b.errorFileId = files.add(b.id + "_error.jsonl", "batch_output", err, now, expires)
                    .id();
        }
        persist(b);
    }

    private ObjectNode json(Batch b, State s) {
        long c = b.createdAt;
        ObjectNode j = Json.object();
        j.put("id", b.id);
        j.put("object", "batch");
        j.put("endpoint", b.endpoint);
        if (s.validated) {
            putPresent(j, "model", b.model);
        }
        if (s.validated && !b.errors.isEmpty()) {
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
        int total = !s.validated || !b.errors.isEmpty() ? 0 : b.requests;
        BatchResults r = b.results;
        Summary done = s.done == 0 ? Summary.NONE : r != null ? Summary.of(r, s.done) : b.summary;
        int failed = done.failed();
        counts.put("total", total);
        counts.put("completed", s.done - failed);
        counts.put("failed", failed + (s.status.equals("expired") ? total - s.done : 0));
        j.set("usage", usage(done));
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

    private static ObjectNode usage(Summary done) {
        long in = done.inputTokens();
        long out = done.outputTokens();
        long reasoning = done.reasoningTokens();
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
        /** Whether the batch has passed its validating stage (so its model, errors and total show). */
        boolean validated;

        State(String status) {
            this.status = status;
        }
    }

    /** Failures and tokens of a batch's first requests. */
    private record Summary(int failed, long inputTokens, long outputTokens, long reasoningTokens) {
        static final Summary NONE = new Summary(0, 0, 0, 0);

        static Summary of(BatchResults r, int done) {
            return new Summary(
                    r.failedBy(done), r.inputTokensBy(done), r.outputTokensBy(done), r.reasoningTokensBy(done));
        }
    }

    /**
     * One batch: what was asked, what validation found and, until it ends, its results. Guarded by
     * its own monitor, except {@link #results}, which the storage budget may drop from any thread.
     */
    private static final class Batch {
        final String id;
        final String endpoint;
        final String inputFileId;
        final JsonNode metadata;
        final BatchDefect defect;
        double lineFailureRate;
        int lineFailures;
        final Instant createdReal;
        final long createdAt;
        int requests;
        List<ObjectNode> errors;
        /** The results while the batch runs; null once it ended or the storage budget evicted them. */
        volatile BatchResults results;
        /** Totals of all requests until the batch ends, then of those it finished. */
        Summary summary = Summary.NONE;

        String model;
        Double cancelAt;
        boolean finished;
        /** {@code output_expires_after.seconds}, or null for the 30-day default. */
        Long outputTtl;
        /** Whether its terminal status was handed to the webhook sender. */
        boolean notified;

        String outputFileId;
        String errorFileId;
        /** Its order in the data directory (0 until first written). */
        long seq;

        /** What the data directory keeps of this batch; {@link #restore} reads it back. */
        ObjectNode toJson() {
            ObjectNode j = Json.object();
            j.put("seq", seq);
            j.put("id", id);
            j.put("endpoint", endpoint);
            j.put("input_file_id", inputFileId);
            j.set("metadata", metadata);
            j.put("defect", defect == null ? null : defect.name());
            j.put("line_failure_rate", lineFailureRate);
            j.put("line_failures", lineFailures);
            j.put("created_real", createdReal.toString());
            j.put("requests", requests);
            ArrayNode errs = j.putArray("errors");
            errors.forEach(errs::add);
            j.put("model", model);
            if (cancelAt != null) {
                j.put("cancel_at", cancelAt);
            }
            j.put("finished", finished);
            if (outputTtl != null) {
                j.put("output_ttl", outputTtl);
            }
            j.put("notified", notified);
            j.put("output_file_id", outputFileId);
            j.put("error_file_id", errorFileId);
            j.putArray("summary")
                    .add(summary.failed())
                    .add(summary.inputTokens())
                    .add(summary.outputTokens())
                    .add(summary.reasoningTokens());
            BatchResults r = results;
            if (r != null && !finished) {
                j.set("results", r.toJson());
            }
            return j;
        }

        static Batch restore(JsonNode j) {
            String defect = j.path("defect").asText(null);
            var b = new Batch(
                    j.path("id").asText(),
                    j.path("endpoint").asText(),
                    j.path("input_file_id").asText(),
                    j.path("metadata").isMissingNode() ? Json.mapper().nullNode() : j.get("metadata"),
                    defect == null ? null : BatchDefect.valueOf(defect),
                    Instant.parse(j.path("created_real").asText()));
            b.seq = j.path("seq").asLong();
            b.lineFailureRate = j.path("line_failure_rate").asDouble();
            b.lineFailures = j.path("line_failures").asInt();
            b.requests = j.path("requests").asInt();
            b.errors = new ArrayList<>();
            j.path("errors").forEach(e -> b.errors.add((ObjectNode) e));
            b.model = j.path("model").asText(null);
            b.cancelAt = j.path("cancel_at").isNumber() ? j.path("cancel_at").asDouble() : null;
            b.finished = j.path("finished").asBoolean();
            b.outputTtl = j.path("output_ttl").isNumber() ? j.path("output_ttl").asLong() : null;
            b.notified = j.path("notified").asBoolean();
            b.outputFileId = j.path("output_file_id").asText(null);
            b.errorFileId = j.path("error_file_id").asText(null);
            JsonNode s = j.path("summary");
            b.summary = new Summary(
                    s.path(0).asInt(),
                    s.path(1).asLong(),
                    s.path(2).asLong(),
                    s.path(3).asLong());
            b.results = j.hasNonNull("results") ? BatchResults.fromJson(j.get("results")) : null;
            return b;
        }

        Batch(String id, String endpoint, String fileId, JsonNode metadata, BatchDefect defect, Instant now) {
            this.id = id;
            this.endpoint = endpoint;
            this.inputFileId = fileId;
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
        private int requests;

        BatchValidation(String endpoint, int maxRequests) {
            this.endpoint = endpoint;
            this.maxRequests = maxRequests;
        }

        /** Checks every line of {@code input}; the findings are then in {@link #errors()}. */
        void check(byte[] input) {
            int[] seen = {0};
            JsonLines.forEach(input, line -> {
                seen[0]++;
                switch (line) {
                    case JsonLines.Invalid bad ->
                        errors.add(
                                error("invalid_json_line", "This line is not parseable as valid JSON.", bad.number()));
                    case JsonLines.Parsed ok -> {
                        if (line(ok.value(), ok.number())) {
                            requests++;
                        }
                    }
                }
            });
            if (seen[0] == 0) {
                errors.add(error("empty_file", "The batch input file is empty.", null));
            }
            if (requests > maxRequests) {
                errors.add(error(
                        "too_many_tasks",
                        "The batch has " + requests + " requests; the maximum is " + maxRequests + ".",
                        null));
            }
        }

        /** Checks one request line; false when it lacks a required field (so it is no request). */
        private boolean line(ObjectNode line, int lineNo) {
            for (String field : new String[] {"custom_id", "method", "url", "body"}) {
                if (!line.hasNonNull(field)) {
                    errors.add(withParam(
                            error("missing_required_parameter", "Missing required parameter: '" + field + "'.", lineNo),
                            field));
                    return false;
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
            return true;
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

        int requests() {
            return requests;
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
