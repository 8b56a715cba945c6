package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.run.RunConfig;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.fallback.FallbackConfig;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.DegradeConfig;
import dev.keel.core.policy.RetryBudgetConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.slo.SloConfig;
import dev.keel.realtime.token.EphemeralToken;
import dev.keel.realtime.token.TokenRequest;
import dev.keel.structured.rollout.RolloutConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults_buildTheSameObjectsAsTheRecordsOwnDefaults() {
        KeelConfig c = KeelConfig.defaults();
        KeelClientConfig built = c.clientConfig(TrafficClass.ONLINE, "sk-x", URI.create("http://h/v1"))
                .build();
        KeelClientConfig plain =
                KeelClientConfig.builder("sk-x", URI.create("http://h/v1")).build();
        assertThat(built.pool()).isEqualTo(PoolConfig.ofDefaults());
        assertThat(built.degrade()).isEqualTo(DegradeConfig.ofDefaults());
        assertThat(built.slo()).isEqualTo(SloConfig.ofDefaults());
        assertThat(built.retryBudget()).isEqualTo(RetryBudgetConfig.ofDefaults());
        assertThat(built.breaker()).isEqualTo(CircuitBreakerConfig.ofDefaults());
        assertThat(built.fallback()).isEqualTo(FallbackConfig.ofDefaults());
        assertThat(built.businessTimeout()).isEqualTo(plain.businessTimeout());
        assertThat(built.perCallTimeout()).isEqualTo(plain.perCallTimeout());
        assertThat(built.inFlightLimit()).isEqualTo(plain.inFlightLimit());
        assertThat(built.retry().maxAttempts())
                .isEqualTo(RetryPolicyConfig.online().maxAttempts());
        assertThat(built.retry().minAttemptTime())
                .isEqualTo(RetryPolicyConfig.online().minAttemptTime());
        assertThat(c.runConfig("w")).isEqualTo(RunConfig.ofDefaults().withWorker("w", Duration.ofMinutes(2)));
        assertThat(c.planConfig()).isEqualTo(PlanConfig.ofDefaults());
        assertThat(c.rolloutConfig()).isEqualTo(RolloutConfig.ofDefaults());
        assertThat(c.tokenRequest()).isEqualTo(TokenRequest.ofDefaults());
        assertThat(c.tokenRotationLead()).isEqualTo(EphemeralToken.ROTATE_BEFORE);
        assertThat(c.idempotency().kind()).isEqualTo(IdempotencySettings.Kind.MEMORY);
    }

    @Test
    void file_everySectionReachesTheObjectItConfigures() {
        KeelConfig c = Yaml.resolve(dir, """
                upstream:
                  base-url: http://127.0.0.1:9/v1
                  organization: org-1
                timeouts:
                  business: 40s
                  per-call: 15s
                traffic:
                  batch:
                    in-flight: 8
                    api-key: sk-batch
                retry:
                  max-attempts: 5
                pool:
                  max-response-size: 200MB
                degrade:
                  fallback-model: gpt-5-mini
                batch:
                  max-cost: 12.50
                  poll-interval: 250ms
                  lease: 1m
                structured-output:
                  canary-percent: 20
                idempotency:
                  store: redis://127.0.0.1:6379
                  ttl: 2h
                realtime:
                  token:
                    ttl: 120s
                  app-tokens:
                    alice: tok-a
                """);
        var online = c.clientConfig(TrafficClass.ONLINE, "sk-o", c.get(Settings.BASE_URL))
                .build();
        assertThat(online.baseUrl()).hasToString("http://127.0.0.1:9/v1");
        assertThat(online.organization()).isEqualTo("org-1");
        assertThat(online.businessTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(online.retry().maxAttempts()).isEqualTo(5);
        assertThat(online.pool().maxResponseBytes()).isEqualTo(200 * 1024 * 1024);
        assertThat(online.degrade().fallbackModel()).isEqualTo("gpt-5-mini");
        var batch = c.clientConfig(TrafficClass.BATCH).build();
        assertThat(batch.apiKey()).isEqualTo("sk-batch");
        assertThat(batch.inFlightLimit()).isEqualTo(8);
        assertThat(batch.trafficClass()).isEqualTo(TrafficClass.BATCH);
        assertThat(c.runConfig("w").maxCostUsd()).isEqualTo(12.5);
        assertThat(c.runConfig("w").pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.rolloutConfig().canaryPercent()).isEqualTo(20);
        assertThat(c.idempotency())
                .isEqualTo(new IdempotencySettings(
                        IdempotencySettings.Kind.REDIS, "redis://127.0.0.1:6379", Duration.ofHours(2)));
        assertThat(c.tokenRequest().expiresAfterSeconds()).isEqualTo(120);
        assertThat(c.map(Settings.APP_TOKENS)).containsExactly(Map.entry("alice", "tok-a"));
        assertThat(c.origin(Settings.MAX_ATTEMPTS)).hasToString(dir.resolve("keel.yaml") + ":12");
    }

    @Test
    void unknownKey_exactMessageWithDidYouMean() {
        Path f = Yaml.write(dir, "retry:\n  max-attemps: 3\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ":2: retry.max-attemps: unknown key; did you mean 'retry.max-attempts'?");
    }

    @Test
    void unknownKey_farFromAnyKey_listsTheSectionsKeys() {
        Path f = Yaml.write(dir, "retry:\n  colour: blue\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .hasMessage(f + ":2: retry.colour: unknown key; retry has max-attempts, backoff-base, backoff-cap,"
                        + " min-attempt-time (docs/configuration.md)");
    }

    @Test
    void unknownSection_listsTheSections() {
        Path f = Yaml.write(dir, "colours:\n  sky: blue\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .hasMessageStartingWith(f + ":2: colours.sky: unknown key; the sections are batch, breaker, degrade,");
    }

    @Test
    void badValue_exactMessageNamingFileLineAndKey() {
        Path f = Yaml.write(dir, "# policies\nretry:\n  max-attempts: 0\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ":3: retry.max-attempts: must be between 1 and 10, was 0");
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        Path f = Yaml.write(dir, "retry:\n  max-attempts: 0\n  backoff-cap: soon\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::key)
                                .containsExactly("retry.max-attempts", "retry.backoff-cap"));
    }

    @Test
    void badValueInALowerLayer_isReportedEvenWhenAFlagOverridesIt() {
        Path f = Yaml.write(dir, "retry:\n  max-attempts: 0\n");
        assertThatThrownBy(() -> KeelConfig.resolve(
                        List.of(Yaml.flags("retry.max-attempts", "--max-attempts", "3"), ConfigLayer.yaml(f))))
                .hasMessage(f + ":2: retry.max-attempts: must be between 1 and 10, was 0");
    }

    @Test
    void secrets_areShownAsFingerprintsOnly() {
        KeelConfig c = Yaml.resolve(dir, """
                upstream:
                  api-key: sk-live-123456
                realtime:
                  app-tokens:
                    bob: app-secret-1
                batch:
                  ledger: jdbc:postgresql://db/keel?user=k&password=hunter2
                """);
        String all = c.entries().toString() + c;
        assertThat(all).doesNotContain("sk-live-123456", "app-secret-1", "hunter2");
        assertThat(new ConfigValue("upstream.api-key", "sk-live-123456", Origin.env("OPENAI_API_KEY")).toString())
                .isEqualTo("ConfigValue[upstream.api-key from env OPENAI_API_KEY]");
        assertThat(c.entries())
                .filteredOn(e -> e.key().equals("upstream.api-key"))
                .singleElement()
                .satisfies(e -> assertThat(e.value()).isEqualTo(Redaction.fingerprint("sk-live-123456")));
        assertThat(c.entries())
                .filteredOn(e -> e.key().equals("realtime.app-tokens.bob"))
                .singleElement()
                .satisfies(e -> assertThat(e.origin().toString()).endsWith("keel.yaml:5"));
    }

    @Test
    void withLive_takesOnlyTheLiveSettingsFromTheNewConfiguration() {
        KeelConfig old = Yaml.resolve(dir, "structured-output:\n  canary-percent: 5\npool:\n  max-connections: 10\n");
        KeelConfig next = Yaml.resolve(dir, "structured-output:\n  canary-percent: 50\npool:\n  max-connections: 20\n");
        assertThat(old.changedKeys(next)).containsExactly("pool.max-connections", "structured-output.canary-percent");
        KeelConfig applied = old.withLive(next);
        assertThat(applied.get(Settings.CANARY_PERCENT)).isEqualTo(50);
        assertThat(applied.get(Settings.MAX_CONNECTIONS)).isEqualTo(10);
    }

    @Test
    void clientConfig_withoutAnyKey_namesTheVariable() {
        assertThatThrownBy(() -> KeelConfig.defaults().clientConfig(TrafficClass.ONLINE))
                .hasMessage("default: upstream.api-key: is required: set OPENAI_API_KEY (or upstream.api-key)");
    }
}
