package dev.keel.core.metrics;

import dev.keel.core.cost.ModelPrice;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.internal.json.JsonScan;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.trace.GenAiOperation;
import dev.keel.core.trace.GenAiResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GenAI semantic conventions' client metrics and the per-model metrics an operator slices by,
 * as an {@link EventListener}:
 *
 * <ul>
 *   <li>{@code gen_ai.client.operation.duration} (s; Prometheus {@code
 *       gen_ai_client_operation_duration_seconds}): a histogram of each logical GenAI call (retries
 *       and waits included; a stream to its end), with the conventions' advised buckets and
 *       attributes {@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code
 *       gen_ai.request.model}, {@code gen_ai.response.model}, {@code server.address}, {@code
 *       server.port}, {@code error.type} (empty on success);
 *   <li>{@code gen_ai.client.token.usage} (Prometheus {@code gen_ai_client_token_usage}): a
 *       histogram of each answer's tokens by {@code gen_ai.token.type} ({@code input}, {@code
 *       output}), same attributes but {@code error.type};
 *   <li>{@code openai_model_requests_total{endpoint,model,status_code}} and {@code
 *       openai_model_request_duration_seconds{endpoint,model}} (a histogram): each attempt, as
 *       {@code openai_requests_total} and {@code openai_request_latency_ms} count it, by endpoint and
 *       model;
 *   <li>{@code openai_tokens_total{model,kind}}: tokens by kind, {@code input} (uncached), {@code
 *       cached} (input read from the prompt cache) and {@code output}, which add up to the total.
 * </ul>
 *
 * Cardinality is bounded: an endpoint is its path with ids replaced by {@code {id}} (any segment
 * keel does not know as a word of the API), a model is the price table's name for it (a dated
 * snapshot counts as its base model) or {@code other}. Every meter carries the client's {@code
 * traffic_class} and a description (Prometheus HELP). Fallback answers are not counted. Prompts
 * and outputs are never read. Thread-safe.
 */
public final class GenAiMetrics implements EventListener {

    /** The conventions' advised bucket boundaries for {@code gen_ai.client.operation.duration}, in seconds. */
    static final double[] DURATION_BUCKETS_S = {
        0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
    };

    /** The conventions' advised bucket boundaries for {@code gen_ai.client.token.usage}. */
    static final double[] TOKEN_BUCKETS = {
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
    };

    /** Buckets of {@code openai_model_request_duration_seconds}, the same as {@code llm_latency_ms}'s. */
    static final double[] ATTEMPT_BUCKETS_S = {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60};

    /** Path segments that are words of the API; any other segment is an id. */
    private static final Set<String> WORDS = Set.of(
            "responses",
            "chat",
            "completions",
            "embeddings",
            "files",
            "batches",
            "content",
            "cancel",
            "input_items",
            "input_tokens",
            "compact",
            "models",
            "uploads",
            "parts",
            "complete",
            "moderations",
            "images",
            "generations",
            "edits",
            "variations",
            "audio",
            "speech",
            "transcriptions",
            "translations",
            "realtime",
            "sessions",
            "client_secrets",
            "transcription_sessions",
            "calls",
            "accept",
            "reject",
            "refer",
            "hangup",
            "conversations",
            "items",
            "vector_stores",
            "file_batches",
            "fine_tuning",
            "jobs",
            "checkpoints",
            "events",
            "messages",
            "containers",
            "evals",
            "runs",
            "output_items",
            "videos",
            "remix",
            "threads",
            "assistants",
            "search");

    private static final Duration[] DURATION_SLOS = durations(DURATION_BUCKETS_S);
    private static final Duration[] ATTEMPT_SLOS = durations(ATTEMPT_BUCKETS_S);

    /** How many distinct model names and paths are remembered; beyond, each is resolved again. */
    private static final int MAX_CACHED_MODELS = 1024;

    private final MeterRegistry registry;
    private final String trafficClass;
    private final PriceTable prices;
    private final String host;
    private final String port;
    private final Map<String, String> models = new ConcurrentHashMap<>();
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();
    /**
     * The meters registered so far by their labels, so a call looks its six meters up in one map
     * each instead of building and registering them (tag sorting, id, registry lookup) every time;
     * bounded like the labels themselves, and past {@value #MAX_CACHED_METERS} a meter is registered
     * on each use as before.
     */
    private final Map<MeterKey, Object> meters = new ConcurrentHashMap<>();

    private static final int MAX_CACHED_METERS = 4096;

    /** One meter's name and label values (null for labels the meter does not have). */
    private record MeterKey(String meter, String a, String b, String c, String d) {}

    public GenAiMetrics(MeterRegistry registry, String trafficClass, PriceTable prices, URI baseUrl) {
        this.registry = registry;
        this.trafficClass = trafficClass;
        this.prices = prices;
        this.host = baseUrl.getHost();
        this.port = String.valueOf(
                baseUrl.getPort() > 0 ? baseUrl.getPort() : "https".equals(baseUrl.getScheme()) ? 443 : 80);
    }

    @Override
    public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
        GenAiOperation op = GenAiOperation.of(call.original());
        if (op == null || result.partial() || result.stream() != null) {
            return;
        }
        answered(op, call, GenAiResponse.of(result.body()), elapsed, "");
    }

    @Override
    public void streamEnd(CallContext call, StreamOutcome outcome, Duration elapsed) {
        GenAiOperation op = GenAiOperation.of(call.original());
        if (op == null) {
            return;
        }
        switch (outcome) {
            case StreamOutcome.Finished f -> answered(op, call, GenAiResponse.of(f.billed()), elapsed, "");
            case StreamOutcome.Truncated t ->
                duration(op, requestModel(call), "", errorType(t.error())).record(elapsed);
            case StreamOutcome.Abandoned a -> {} // its length was the caller's choice
        }
    }

    @Override
    public void callFailed(CallContext call, KeelException error, Duration elapsed) {
        GenAiOperation op = GenAiOperation.of(call.original());
        if (op != null) {
            duration(op, requestModel(call), "", errorType(error)).record(elapsed);
        }
    }

    @Override
    public void attemptEnd(CallContext call, int status, KeelException error, PhaseTimings timings, String protocol) {
        String endpoint = endpoint(call.original());
        String model = requestModel(call);
        String code = status > 0 ? statusText(status) : errorType(error);
        this.<Counter>meter(
                        new MeterKey(MetricNames.MODEL_REQUESTS, endpoint, model, code, null),
                        () -> Counter.builder(MetricNames.MODEL_REQUESTS)
                                .description("Upstream attempts by endpoint, model and HTTP status (or failure kind)")
                                .tag("endpoint", endpoint)
                                .tag("model", model)
                                .tag("status_code", code)
                                .tag("traffic_class", trafficClass)
                                .register(registry))
                .increment();
        if (timings != null) {
            this.<Timer>meter(
                            new MeterKey(MetricNames.MODEL_REQUEST_DURATION, endpoint, model, null, null),
                            () -> Timer.builder(MetricNames.MODEL_REQUEST_DURATION)
                                    .description("Upstream attempt latency by endpoint and model, a histogram")
                                    .serviceLevelObjectives(ATTEMPT_SLOS)
                                    .tag("endpoint", endpoint)
                                    .tag("model", model)
                                    .tag("traffic_class", trafficClass)
                                    .register(registry))
                    .record(timings.complete());
        }
    }

    /** The cached meter under {@code key}, registered by {@code register} the first time. */
    @SuppressWarnings("unchecked")
    private <M> M meter(MeterKey key, java.util.function.Supplier<M> register) {
        Object m = meters.get(key);
        if (m == null) {
            m = register.get();
            if (meters.size() < MAX_CACHED_METERS) {
                meters.putIfAbsent(key, m);
            }
        }
        return (M) m;
    }

    private static final String[] STATUS_TEXT = new String[600];

    static {
        for (int i = 100; i < STATUS_TEXT.length; i++) {
            STATUS_TEXT[i] = String.valueOf(i).intern();
        }
    }

    private static String statusText(int status) {
        return status < STATUS_TEXT.length ? STATUS_TEXT[status] : String.valueOf(status);
    }

    private void answered(GenAiOperation op, CallContext call, GenAiResponse r, Duration elapsed, String error) {
        String requestModel = requestModel(call);
        String responseModel = r.model() == null ? "" : capped(r.model());
        duration(op, requestModel, responseModel, error).record(elapsed);
        TokenUsage u = r.usage();
        if (u == null) {
            return;
        }
        tokens(op, requestModel, responseModel, "input").record(u.input());
        tokens(op, requestModel, responseModel, "output").record(u.output());
        String model = r.model() == null ? requestModel : responseModel;
        tokenCounter(model, "input").increment(u.input() - u.cachedInput());
        tokenCounter(model, "cached").increment(u.cachedInput());
        tokenCounter(model, "output").increment(u.output());
    }

    private Timer duration(GenAiOperation op, String requestModel, String responseModel, String error) {
        return meter(
                new MeterKey(MetricNames.GEN_AI_OPERATION_DURATION, op.name(), requestModel, responseModel, error),
                () -> newDuration(op, requestModel, responseModel, error));
    }

    private Timer newDuration(GenAiOperation op, String requestModel, String responseModel, String error) {
        return Timer.builder(MetricNames.GEN_AI_OPERATION_DURATION)
                .description("GenAI operation duration: each logical call, retries and waits included")
                .serviceLevelObjectives(DURATION_SLOS)
                .tag("gen_ai.operation.name", op.name())
                .tag("gen_ai.provider.name", "openai")
                .tag("gen_ai.request.model", requestModel)
                .tag("gen_ai.response.model", responseModel)
                .tag("server.address", host)
                .tag("server.port", port)
                .tag("error.type", error)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    private DistributionSummary tokens(GenAiOperation op, String requestModel, String responseModel, String type) {
        return meter(
                new MeterKey(MetricNames.GEN_AI_TOKEN_USAGE, op.name(), requestModel, responseModel, type),
                () -> newTokens(op, requestModel, responseModel, type));
    }

    private DistributionSummary newTokens(GenAiOperation op, String requestModel, String responseModel, String type) {
        return DistributionSummary.builder(MetricNames.GEN_AI_TOKEN_USAGE)
                .description("Tokens used per GenAI operation, by token type (input, output)")
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .tag("gen_ai.operation.name", op.name())
                .tag("gen_ai.provider.name", "openai")
                .tag("gen_ai.request.model", requestModel)
                .tag("gen_ai.response.model", responseModel)
                .tag("gen_ai.token.type", type)
                .tag("server.address", host)
                .tag("server.port", port)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    private Counter tokenCounter(String model, String kind) {
        return meter(new MeterKey(MetricNames.TOKENS, model, kind, null, null), () -> newTokenCounter(model, kind));
    }

    private Counter newTokenCounter(String model, String kind) {
        return Counter.builder(MetricNames.TOKENS)
                .description("Tokens by model and kind: input (uncached), cached (input from the prompt cache), output")
                .tag("model", model)
                .tag("kind", kind)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    private String requestModel(CallContext call) {
        HttpCall c = call.original();
        String model = "application/json".equals(c.contentType()) ? JsonScan.string(c.body(), "model") : null;
        return model == null ? "" : capped(model);
    }

    /** The price table's name for {@code model}, or {@code other}: bounded by the table. */
    String capped(String model) {
        String known = models.get(model);
        if (known != null) {
            return known;
        }
        String name = prices.find(model).map(ModelPrice::model).orElse("other");
        if (models.size() < MAX_CACHED_MODELS) {
            models.put(model, name);
        }
        return name;
    }

    /** {@code /responses/{id}/input_items}: the path without its query, ids replaced. */
    String endpoint(HttpCall call) {
        String path = call.path();
        String known = endpoints.get(path);
        if (known != null) {
            return known;
        }
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        var out = new StringBuilder();
        for (String segment : bare.split("/")) {
            if (!segment.isEmpty()) {
                out.append('/').append(WORDS.contains(segment) ? segment : "{id}");
            }
        }
        String name = out.isEmpty() ? "/" : out.toString();
        if (endpoints.size() < MAX_CACHED_MODELS) {
            endpoints.put(path, name);
        }
        return name;
    }

    private static String errorType(KeelException e) {
        return e.kind().name().toLowerCase(Locale.ROOT);
    }

    private static Duration[] durations(double[] seconds) {
        var out = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            out[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
        }
        return out;
    }
}
