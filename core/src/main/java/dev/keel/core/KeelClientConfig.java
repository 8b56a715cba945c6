package dev.keel.core;

import dev.keel.core.fallback.FallbackConfig;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.DegradeConfig;
import dev.keel.core.policy.RetryBudgetConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.slo.SloConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link KeelClient} is built from, validated when built. Immutable; the API key never
 * appears in {@link #toString()}.
 *
 * @param apiKey the OpenAI API key (or any key the upstream accepts)
 * @param baseUrl the API base, e.g. {@code https://api.openai.com/v1}
 * @param organization sent as {@code OpenAI-Organization}, or null
 * @param project sent as {@code OpenAI-Project}, or null
 * @param businessTimeout a call's whole budget, every attempt and wait included (default 30 s)
 * @param perCallTimeout one attempt's cap (default 25 s); must be shorter than the business timeout
 * @param inFlightLimit calls in flight at once (default 64)
 * @param trafficClass which traffic this client carries (default online)
 * @param pool the connection pool
 * @param degrade the degrade signal and its reactions
 * @param slo the availability objective for the error budget
 * @param retry the retry policy (online: 3 attempts, full jitter 200 ms..2 s)
 * @param retryBudget how many retries may add to the load (10 % of calls, at least 1 a second)
 * @param breaker when the per-endpoint circuit breakers open and recover
 * @param fallback how many last-known-good answers are kept for calls an open breaker refuses, and
 *     for how long
 */
public record KeelClientConfig(
        String apiKey,
        URI baseUrl,
        String organization,
        String project,
        Duration businessTimeout,
        Duration perCallTimeout,
        int inFlightLimit,
        TrafficClass trafficClass,
        PoolConfig pool,
        DegradeConfig degrade,
        SloConfig slo,
        RetryPolicyConfig retry,
        RetryBudgetConfig retryBudget,
        CircuitBreakerConfig breaker,
        FallbackConfig fallback) {

    public static final URI OPENAI = URI.create("https://api.openai.com/v1");

    /** @throws IllegalArgumentException naming each bad value and what to do */
    public KeelClientConfig {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException(
                    "an API key is required (OPENAI_API_KEY); without one, use the emulator");
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = String.valueOf(baseUrl.getScheme());
        if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(
                    "baseUrl must be an absolute http(s) URL such as " + OPENAI + ", got '" + baseUrl + "'");
        }
        baseUrl = URI.create(baseUrl.toString().replaceAll("/+$", ""));
        var findings = TimeoutChain.check(List.of(
                new TimeoutChain.Layer("businessTimeout", businessTimeout),
                new TimeoutChain.Layer("perCallTimeout", perCallTimeout)));
        if (!findings.isEmpty()) {
            throw new IllegalArgumentException(
                    "per-call timeout must be shorter than the business timeout, got perCallTimeout="
                            + TimeoutChain.human(perCallTimeout) + " and businessTimeout="
                            + TimeoutChain.human(businessTimeout)
                            + ": a retry could never fit. Defaults are 25s and 30s.");
        }
        if (inFlightLimit < 1) {
            throw new IllegalArgumentException("inFlightLimit must be at least 1, got " + inFlightLimit);
        }
        Objects.requireNonNull(trafficClass, "trafficClass");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(degrade, "degrade");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(retryBudget, "retryBudget");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(fallback, "fallback");
    }

    /** The defaults for a key and base URL. */
    public static Builder builder(String apiKey, URI baseUrl) {
        return new Builder(apiKey, baseUrl);
    }

    /**
     * Reads the OpenAI SDK conventions: {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL} (default the
     * real API), {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}.
     *
     * @throws IllegalArgumentException when no key is set
     */
    public static Builder fromEnvironment(Map<String, String> env) {
        String base = env.getOrDefault("OPENAI_BASE_URL", OPENAI.toString());
        return builder(env.get("OPENAI_API_KEY"), URI.create(base))
                .organization(env.get("OPENAI_ORG_ID"))
                .project(env.get("OPENAI_PROJECT_ID"));
    }

    public Builder toBuilder() {
        return new Builder(apiKey, baseUrl)
                .organization(organization)
                .project(project)
                .businessTimeout(businessTimeout)
                .perCallTimeout(perCallTimeout)
                .inFlightLimit(inFlightLimit)
                .trafficClass(trafficClass)
                .pool(pool)
                .degrade(degrade)
                .slo(slo)
                .retry(retry)
                .retryBudget(retryBudget)
                .breaker(breaker)
                .fallback(fallback);
    }

    /**
     * The key as logs, errors and debug pages may show it: never any of its characters, only a short
     * fingerprint ({@code <redacted sha256:1a2b3c4d>}) so two configurations can be told apart.
     */
    public String redactedKey() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(apiKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "<redacted sha256:" + java.util.HexFormat.of().formatHex(digest, 0, 4) + ">";
        } catch (java.security.NoSuchAlgorithmException e) {
            return "<redacted>";
        }
    }

    @Override
    public String toString() {
        return "KeelClientConfig[apiKey=" + redactedKey() + ", baseUrl=" + baseUrl + ", organization=" + organization
                + ", project=" + project + ", businessTimeout=" + businessTimeout + ", perCallTimeout=" + perCallTimeout
                + ", inFlightLimit=" + inFlightLimit + ", trafficClass=" + trafficClass + ", pool=" + pool
                + ", degrade="
                + degrade + ", slo=" + slo + ", retry=" + retry + ", retryBudget=" + retryBudget + ", breaker="
                + breaker + ", fallback=" + fallback + "]";
    }

    /** Builder for {@link KeelClientConfig}; not thread-safe. */
    public static final class Builder {
        private final String apiKey;
        private final URI baseUrl;
        private String organization;
        private String project;
        private Duration businessTimeout = Duration.ofSeconds(30);
        private Duration perCallTimeout = Duration.ofSeconds(25);
        private int inFlightLimit = 64;
        private TrafficClass trafficClass = TrafficClass.ONLINE;
        private PoolConfig pool = PoolConfig.ofDefaults();
        private DegradeConfig degrade = DegradeConfig.ofDefaults();
        private SloConfig slo = SloConfig.ofDefaults();
        private RetryPolicyConfig retry = RetryPolicyConfig.online();
        private RetryBudgetConfig retryBudget = RetryBudgetConfig.ofDefaults();
        private CircuitBreakerConfig breaker = CircuitBreakerConfig.ofDefaults();
        private FallbackConfig fallback = FallbackConfig.ofDefaults();

        private Builder(String apiKey, URI baseUrl) {
            this.apiKey = apiKey;
            this.baseUrl = baseUrl;
        }

        public Builder organization(String v) {
            organization = v;
            return this;
        }

        public Builder project(String v) {
            project = v;
            return this;
        }

        public Builder businessTimeout(Duration v) {
            businessTimeout = v;
            return this;
        }

        public Builder perCallTimeout(Duration v) {
            perCallTimeout = v;
            return this;
        }

        public Builder inFlightLimit(int v) {
            inFlightLimit = v;
            return this;
        }

        public Builder trafficClass(TrafficClass v) {
            trafficClass = v;
            return this;
        }

        public Builder pool(PoolConfig v) {
            pool = v;
            return this;
        }

        public Builder degrade(DegradeConfig v) {
            degrade = v;
            return this;
        }

        public Builder slo(SloConfig v) {
            slo = v;
            return this;
        }

        public Builder retry(RetryPolicyConfig v) {
            retry = v;
            return this;
        }

        public Builder retryBudget(RetryBudgetConfig v) {
            retryBudget = v;
            return this;
        }

        public Builder breaker(CircuitBreakerConfig v) {
            breaker = v;
            return this;
        }

        public Builder fallback(FallbackConfig v) {
            fallback = v;
            return this;
        }

        /** @throws IllegalArgumentException as the record's constructor */
        public KeelClientConfig build() {
            return new KeelClientConfig(
                    apiKey,
                    baseUrl,
                    organization,
                    project,
                    businessTimeout,
                    perCallTimeout,
                    inFlightLimit,
                    trafficClass,
                    pool,
                    degrade,
                    slo,
                    retry,
                    retryBudget,
                    breaker,
                    fallback);
        }
    }
}
