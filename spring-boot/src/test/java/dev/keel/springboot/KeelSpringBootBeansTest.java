package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchQueue;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.core.CallOptions;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.policy.Deadline;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.realtime.token.TokenService;
import dev.keel.store.redis.RedisIdempotencyStore;
import dev.keel.structured.StructuredClient;
import dev.keel.structured.StructuredRequest;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.rollout.Arm;
import dev.keel.structured.rollout.Rollout;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot application with the structured, batch, realtime and Redis beans switched on, against the
 * emulator, the machine's Redis (127.0.0.1:6379, through the application's own Spring Data Redis
 * connection) and PostgreSQL (the batch ledger): each bean does its job with the configured values.
 */
@SpringBootTest(
        classes = KeelSpringBootBeansTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "spring.data.redis.url=redis://127.0.0.1:6379",
            "keel.idempotency.store=redis",
            "keel.idempotency.ttl=10m",
            "keel.spring.batch-queue.enabled=true",
            "keel.batch.ledger=jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            "keel.batch.max-items=2",
            "keel.batch.queue.canary-percent=100",
            "keel.structured-output.schema-version=v2",
            "keel.structured-output.canary-percent=100",
            "keel.structured-output.model=gpt-4.1-nano",
            "keel.realtime.app-tokens.alice=app-token-alice",
            "keel.realtime.token.rotation-lead=45s"
        })
class KeelSpringBootBeansTest {

    static final String KEY = "boot-beans-key-test";
    static final Emulator EMULATOR =
            Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
    static final Path TMP = tempDir();
    static final Path SCHEMAS = TestSchemas.copyTo(TMP.resolve("schemas"));

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("keel.upstream.api-key", () -> KEY);
        registry.add("keel.upstream.base-url", () -> EMULATOR.baseUrl().toString());
        registry.add("keel.structured-output.schemas", SCHEMAS::toString);
        registry.add("keel.batch.run-dir", () -> TMP.resolve("runs").toString());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("keel-boot-beans");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Autowired
    StructuredClient<?> tickets;

    @Autowired
    Rollout rollout;

    @Autowired
    MeterRegistry registry;

    @Autowired
    IdempotencyStore store;

    @Autowired
    ExactlyOnceToolExecutor tools;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    TokenService tokenService;

    @Autowired
    BatchQueue batchQueue;

    @Autowired
    Ledger ledger;

    @Test
    void structuredClient_callsTheEmulatorWithTheCanaryVersionAndTheModel_andTheRolloutGaugeIsInTheAppsRegistry() {
        var r = tickets.call(StructuredRequest.of("tenant-1", "I was charged twice"), CallOptions.defaults());
        assertThat(r.decoded().mode()).isEqualTo(DecodeMode.STRICT);
        assertThat(r.assignment().version()).isEqualTo("v2");
        assertThat(r.assignment().arm()).isEqualTo(Arm.CANARY);
        var sent =
                Json.parse(EMULATOR.requests("POST", "/v1/responses").getLast().body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4.1-nano");
        assertThat(sent.at("/text/format/name").asText()).isEqualTo("ticket_v2");
        assertThat(registry.get(Rollout.CANARY_PERCENT_METRIC).gauge().value()).isEqualTo(100.0);
    }

    @Test
    void toolExecutor_onTheApplicationsRedis_runsTheSideEffectOnce() {
        assertThat(store).isInstanceOf(RedisIdempotencyStore.class);
        var key = IdempotencyKey.of("acme", "boot-beans", "order-" + System.nanoTime(), "refund");
        var runs = new AtomicInteger();
        var deadline = Deadline.after(Duration.ofSeconds(5), Ticker.SYSTEM);
        var first = tools.execute(key, deadline, () -> "refund-" + runs.incrementAndGet());
        var second = tools.execute(key, deadline, () -> "refund-" + runs.incrementAndGet());
        assertThat(first).isEqualTo(new ExactlyOnceToolExecutor.Outcome.Executed("refund-1"));
        assertThat(second).isEqualTo(new ExactlyOnceToolExecutor.Outcome.Replayed("refund-1"));
        assertThat(runs).hasValue(1);
        assertThat(redis.opsForValue().get("keel:" + key.value())).startsWith("DONE|");
        redis.delete("keel:" + key.value());
    }

    @Test
    void tokenService_mintsATokenRotatingAtTheConfiguredLead() {
        TokenService.Reply reply = tokenService.handle("Bearer app-token-alice", new byte[0]);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("expires_at").asLong()
                        - reply.body().get("rotate_at").asLong())
                .isEqualTo(45);
    }

    @Test
    void batchQueue_flushesIntoARunInThePostgresLedger() {
        String mine = TMP.resolve("runs").toAbsolutePath().toString();
        batchQueue.offer(KeelBatchAutoConfigurationTest.task("pg-a"));
        batchQueue.offer(KeelBatchAutoConfigurationTest.task("pg-b"));
        List<RunRecord> runs = ledger.activeRuns().stream()
                .filter(r -> r.runDir().startsWith(mine))
                .toList();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).items()).isEqualTo(2);
        assertThat(ledger.database().dialect()).isEqualTo(dev.keel.batch.ledger.Database.Dialect.POSTGRES);
        ledger.finishRun(runs.get(0).runId(), System.currentTimeMillis()); // leave no work for other workers
    }
}
