package dev.keel.core.metrics;

/**
 * The Prometheus names keel exports (Micrometer appends {@code _total} to counters, so a counter
 * registered as {@code openai_requests} is scraped as {@code openai_requests_total}).
 */
public final class MetricNames {

    /** Counter per attempt answered or failed, tag {@code status_code} (HTTP status, or {@code timeout}/{@code network}). */
    public static final String REQUESTS = "openai_requests";
    /** Distribution of attempt latency in ms, with p50/p95/p99. */
    public static final String LATENCY_MS = "openai_request_latency_ms";
    /** Counter of retries (the retry layer adds to it). */
    public static final String RETRIES = "openai_retries";
    /** Counter of retries by {@code reason} (the failure kind that was retried). */
    public static final String RETRY_REASONS = "retry";
    /** Counter of retries refused because the retry budget was spent. */
    public static final String RETRY_BUDGET_EXHAUSTED = "retry_budget_exhausted";
    /** Counter of circuit breakers opening. */
    public static final String BREAKER_OPEN = "breaker_open";
    /** Gauge per {@code breaker}: 0 closed, 1 half-open, 2 open. */
    public static final String BREAKER_STATE = "breaker_state";
    /** Counter of attempts that timed out and calls refused for a spent budget. */
    public static final String TIMEOUTS = "openai_timeout";
    /** Gauge of calls holding an in-flight permit. */
    public static final String INFLIGHT = "openai_inflight";
    /** Gauge per {@code window} (5m, 30m, 1h, 6h) of the error-budget burn rate. */
    public static final String BURN_RATE = "openai_error_budget_burn_rate";
    /** Counter of calls an open breaker refused that a fallback answered, by {@code source} ({@code last_known_good}, {@code fallback}). */
    public static final String FALLBACK = "fallback";
    /**
     * Histogram of logical model-call latency in ms (retries and waits included), tag {@code outcome}
     * ({@code ok}/{@code error}); Prometheus computes p95 from its buckets ({@code llm_latency_ms_p95}
     * in docs/alerts/keel-rules.yml).
     */
    public static final String LLM_LATENCY_MS = "llm_latency_ms";
    /** Counter of USD spent, usage x price table, tags {@code model}, {@code tier}. */
    public static final String COST_USD = "cost_usd";
    /** Counter of answers whose model the price table does not list, tag {@code model}. */
    public static final String COST_UNKNOWN_MODEL = "cost_unknown_model";
    /**
     * Counter of streamed answers whose cost is not in {@code cost_usd_total} because no usage
     * arrived, tag {@code reason}: {@code truncated} (cut before its terminal event), {@code
     * abandoned} (closed by the caller before it) or {@code no_usage} (it finished without usage,
     * e.g. a Chat Completions stream without {@code stream_options.include_usage}).
     */
    public static final String COST_UNMETERED_STREAMS = "cost_unmetered_streams";
    /** Gauge: 1 while the client is DEGRADED. */
    public static final String DEGRADED = "openai_degraded";

    /**
     * Histogram (s) of each logical GenAI call, the GenAI semantic conventions' name (Prometheus
     * {@code gen_ai_client_operation_duration_seconds}); see {@link GenAiMetrics}.
     */
    public static final String GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration";
    /** Histogram of tokens per GenAI call by {@code gen_ai.token.type} (Prometheus {@code gen_ai_client_token_usage}). */
    public static final String GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage";
    /** Counter per attempt, tags {@code endpoint}, {@code model}, {@code status_code}. */
    public static final String MODEL_REQUESTS = "openai_model_requests";
    /** Histogram (s) of attempt latency, tags {@code endpoint}, {@code model} (Prometheus {@code openai_model_request_duration_seconds}). */
    public static final String MODEL_REQUEST_DURATION = "openai_model_request_duration";
    /** Counter of tokens, tags {@code model}, {@code kind} ({@code input} uncached, {@code cached}, {@code output}). */
    public static final String TOKENS = "openai_tokens";

    private MetricNames() {}
}
