package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One case per validation rule: a one-key file that breaks it, and the exact message. */
class ValidationRulesTest {

    @TempDir
    Path dir;

    private void refused(String yaml, String message) {
        Path f = Yaml.write(dir, yaml);
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ":" + message);
    }

    /** {@code section.key: value} on line 2 of the file, and the message after {@code file:2: }. */
    @ParameterizedTest(name = "{0}.{1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            upstream         | base-url                | ftp://x          | must be a URL such as https://api.openai.com/v1 (it needs an http:// or https:// scheme), was 'ftp://x'
            upstream         | h2c                     | maybe            | must be true or false, was 'maybe'
            pool             | max-connections         | 0                | must be at least 1, was 0
            pool             | idle-timeout            | -1s              | must be a duration such as 250ms, 1.5s, 30s, 2m, 6h or 28d, was '-1s'
            pool             | max-response-size       | 512              | must be between 1KB and 2047MB, was 512B
            pool             | max-response-size       | 4GB              | must be between 1KB and 2047MB, was 4GB
            pool             | max-response-size       | big              | must be a size such as 512KB, 200MB or 1GB, was 'big'
            timeouts         | business                | 0s               | must be at least 1ms, was 0ms
            timeouts         | per-call                | 0ms              | must be at least 1ms, was 0ms
            timeouts         | connect                 | 0s               | must be at least 1ms, was 0ms
            timeouts         | caller                  | 0s               | must be at least 1ms, was 0ms
            retry            | max-attempts            | 11               | must be between 1 and 10, was 11
            retry            | max-attempts            | 2.5              | must be a whole number, was '2.5'
            retry            | backoff-base            | 0s               | must be at least 1ms, was 0ms
            retry            | backoff-cap             | 0s               | must be at least 1ms, was 0ms
            retry-budget     | window                  | 61s              | must be between 1s and 1m, was 61s
            retry-budget     | ratio                   | 1.5              | must be within [0, 1], was 1.5
            retry-budget     | min-per-second          | -1               | must be at least 0, was -1
            breaker          | window                  | 0s               | must be at least 1ms, was 0ms
            breaker          | min-calls               | 0                | must be at least 1, was 0
            breaker          | failure-rate            | 0                | must be within (0, 1], was 0
            breaker          | open-for                | 0s               | must be at least 1ms, was 0ms
            breaker          | half-open-probes        | 0                | must be at least 1, was 0
            degrade          | window                  | 500ms            | must be at least 1s, was 500ms
            degrade          | min-calls               | -1               | must be at least 0, was -1
            degrade          | error-rate              | 1                | must be within (0, 1), was 1
            degrade          | concurrency-factor      | 0                | must be within (0, 1], was 0
            fallback         | last-known-good-entries | -1               | must be at least 0, was -1
            fallback         | last-known-good-ttl     | 0s               | must be at least 1ms, was 0ms
            slo              | target                  | 1                | must be within (0, 1), was 1
            slo              | period                  | 1h               | must be at least 6h, was 1h
            idempotency      | store                   | mongodb://x      | must be memory, a JDBC URL (jdbc:postgresql://HOST/DB), a Redis URL (redis://HOST:6379), or jdbc / redis for a Spring application's own DataSource / Redis connection, was 'mongodb://x'
            idempotency      | ttl                     | 0s               | must be at least 1s, was 0ms
            batch            | ledger                  | jdbc:mysql://x   | must be jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB, was 'jdbc:mysql://x'
            batch            | poll-interval           | 0s               | must be at least 1ms, was 0ms
            batch            | max-replays             | 11               | must be between 0 and 10, was 11
            batch            | max-cost                | -5               | must be at least 0 USD, was -5
            batch            | max-cost                | five             | must be a USD amount such as 5 or 12.50, was 'five'
            batch            | daily-cap               | -1               | must be at least 0 USD, was -1
            batch            | latency-tolerance       | 5m               | must be between 10m and 1d, was 5m
            batch            | alert-threshold         | 3                | must be within [0, 1], was 3
            batch            | give-up-after           | 0s               | must be at least 1ms, was 0ms
            batch            | lease                   | 0s               | must be at least 1ms, was 0ms
            batch            | max-items               | 50001            | must be between 1 and 50000, was 50001
            batch            | default-output-tokens   | -1               | must be at least 0, was -1
            batch            | max-chunk-size          | 300MB            | must be between 1KB and 200MB (OpenAI's file limit), was 300MB
            batch            | max-line-size           | 0                | must be at least 1B, was 0B
            batch.queue      | window                  | 500ms            | must be between 1s and 1d, was 500ms
            batch.queue      | canary-percent          | 101              | must be between 0 and 100, was 101
            spring.batch-queue | enabled               | maybe            | must be true or false, was 'maybe'
            structured-output | canary-percent         | 101              | must be between 0 and 100, was 101
            structured-output | compat-fallback        | maybe            | must be one of 0, 1, force, was 'maybe'
            structured-output | reload-interval        | 0s               | must be at least 1ms, was 0ms
            serve            | port                    | 70000            | must be between 0 and 65535, was 70000
            serve            | body-timeout            | 0s               | must be at least 1ms, was 0ms
            serve            | reload-interval         | 10ms             | must be at least 100ms, was 10ms
            traffic.online   | in-flight               | 0                | must be between 1 and 100000, was 0
            traffic.batch    | in-flight               | 0                | must be between 1 and 100000, was 0
            realtime.token   | ttl                     | 30s              | must be between 1m and 5m, was 30s
            realtime.token   | rotation-lead           | 0s               | must be at least 1s, was 0ms
            realtime.token   | per-user-per-minute     | 0                | must be at least 1, was 0
            """)
    void singleKey_outOfRange_isRefusedWithFileLineKeyAndWhatIsAllowed(
            String section, String key, String value, String message) {
        String[] parts = section.split("\\.");
        var yaml = new StringBuilder();
        String indent = "";
        for (String p : parts) {
            yaml.append(indent).append(p).append(":\n");
            indent += "  ";
        }
        yaml.append(indent).append(key).append(": ").append(value).append('\n');
        int line = parts.length + 1;
        refused(yaml.toString(), line + ": " + section + "." + key + ": " + message);
    }

    @Test
    void autoRollback_marginOutOfRange() {
        refused(
                "structured-output:\n  auto-rollback:\n    margin: 2\n",
                "3: structured-output.auto-rollback.margin: must be within (0, 1], was 2");
    }

    @Test
    void autoRollback_minSamplesBelowOne() {
        refused(
                "structured-output:\n  auto-rollback:\n    min-samples: 0\n",
                "3: structured-output.auto-rollback.min-samples: must be at least 1, was 0");
    }

    @Test
    void perCall_notShorterThanBusiness_isRefused() {
        refused(
                "timeouts:\n  per-call: 30s\n",
                "2: timeouts.per-call: must be shorter than timeouts.business (30s, default), was 30s: a retry"
                        + " could never fit in the call's budget");
    }

    @Test
    void business_setBelowTheDefaultPerCall_blamesTheKeyThatWasSet() {
        refused(
                "timeouts:\n  business: 20s\n",
                "2: timeouts.business: must be longer than timeouts.per-call (25s, default), was 20s: a retry"
                        + " could never fit in the call's budget");
    }

    @Test
    void caller_notLongerThanBusiness_timeoutChainIsRefused() {
        refused(
                "timeouts:\n  caller: 20s\n",
                "2: timeouts.caller: must be longer than timeouts.business (30s, default), was 20s: the caller gives"
                        + " up while keel may still be retrying (timeouts that are not real)");
    }

    @Test
    void backoffCap_belowBase_isRefused() {
        refused(
                "retry:\n  backoff-base: 3s\n",
                "2: retry.backoff-base: must be at most retry.backoff-cap (2s, default), was 3s");
    }

    @Test
    void lease_notLongerThanPollInterval_isRefused() {
        refused(
                "batch:\n  poll-interval: 5m\n",
                "2: batch.poll-interval: must be shorter than batch.lease (2m, default), was 5m: other workers would"
                        + " take chunks over while they are worked on");
    }

    @Test
    void lease_shorterThanPerCall_isRefused() {
        refused(
                "timeouts:\n  business: 90s\n  per-call: 60s\nbatch:\n  lease: 45s\n",
                "5: batch.lease: must be at least timeouts.per-call (1m, " + dir.resolve("keel.yaml")
                        + ":3), was 45s: another worker would take a chunk over while its create is in flight and pay"
                        + " for it twice");
    }

    @Test
    void lineSize_notBelowChunkSize_isRefused() {
        refused(
                "batch:\n  max-line-size: 200MB\n",
                "2: batch.max-line-size: must be below batch.max-chunk-size (200MB, default), was 200MB");
    }

    @Test
    void rotationLead_notShorterThanTtl_isRefused() {
        refused(
                "realtime:\n  token:\n    rotation-lead: 5m\n",
                "3: realtime.token.rotation-lead: must be shorter than realtime.token.ttl (5m, default), was 5m:"
                        + " every token would be due for rotation as soon as it is issued");
    }

    @Test
    void autoRollbackWindow_belowMinSamples_isRefused() {
        refused(
                "structured-output:\n  auto-rollback:\n    window: 100\n",
                "3: structured-output.auto-rollback.window: must be at least"
                        + " structured-output.auto-rollback.min-samples (200, default), was 100");
    }

    @Test
    void h2c_withHttp2Off_isRefused() {
        refused(
                "upstream:\n  h2c: true\npool:\n  http2: false\n",
                "2: upstream.h2c: cleartext HTTP/2 needs pool.http2: true (it is false, " + dir.resolve("keel.yaml")
                        + ":4)");
    }

    @Test
    void rolloutKey_inEnvironmentAndFile_isRefused_D34() {
        Path f = Yaml.write(dir, "structured-output:\n  canary-percent: 0\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of("STRUCTURED_OUTPUT_CANARY_PERCENT", "20")))
                .hasMessage(f + ":2: structured-output.canary-percent: is also set by STRUCTURED_OUTPUT_CANARY_PERCENT;"
                        + " set it in one place only, so a rollback written into one is never shadowed by the other");
    }

    @Test
    void appTokens_asAScalar_mustBeAMapping() {
        refused(
                "realtime:\n  app-tokens: tok\n",
                "2: realtime.app-tokens: must be a mapping of names to values (realtime.app-tokens.NAME: VALUE), not a"
                        + " single value");
    }

    @Test
    void section_givenAValue_isRefused() {
        refused(
                "retry: 3\n",
                "1: retry: is a section (retry.max-attempts, retry.backoff-base, retry.backoff-cap, ...),"
                        + " not a value");
    }

    @Test
    void list_whereAValueGoes_isRefused() {
        refused(
                "retry:\n  max-attempts: [1, 2]\n",
                "2: retry.max-attempts: must be a single value or a mapping, not a list");
    }

    @Test
    void keyGivenTwice_asSnakeAndKebabCase_isRefused() {
        Path f = Yaml.write(dir, "retry:\n  max-attempts: 3\n  max_attempts: 4\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .hasMessage(f + ":3: retry.max-attempts: is set twice (also at " + f + ":2); keep one");
    }

    @Test
    void notYaml_namesTheLine() {
        Path f = Yaml.write(dir, "retry:\n  max-attempts: 3\n bad: [\n");
        assertThatThrownBy(() -> Yaml.resolve(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ":")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void envValue_bad_namesTheVariable() {
        assertThatThrownBy(() -> KeelConfig.resolve(
                        java.util.List.of(ConfigLayer.environment(Map.of("KEEL_RETRY_MAX_ATTEMPTS", "0")))))
                .hasMessage("env KEEL_RETRY_MAX_ATTEMPTS: retry.max-attempts: must be between 1 and 10, was 0");
    }

    @Test
    void flagValue_bad_namesTheFlag() {
        assertThatThrownBy(() ->
                        KeelConfig.resolve(java.util.List.of(Yaml.flags("batch.max-replays", "--max-replays", "11"))))
                .hasMessage("flag --max-replays: batch.max-replays: must be between 0 and 10, was 11");
    }
}
