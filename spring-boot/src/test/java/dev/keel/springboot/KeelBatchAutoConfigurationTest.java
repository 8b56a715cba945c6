package dev.keel.springboot;

import static dev.keel.springboot.TestSchemas.rootMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchLine;
import dev.keel.batch.BatchQueue;
import dev.keel.batch.BatchQueueConfig;
import dev.keel.batch.BatchTask;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The BatchQueue bean: opt-in, on the ledger of {@code keel.batch.ledger}, flushing into planned runs. */
class KeelBatchAutoConfigurationTest {

    @TempDir
    Path tmp;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class, KeelBatchAutoConfiguration.class))
            .withPropertyValues("keel.upstream.api-key=sk-test-123456", "keel.upstream.base-url=http://127.0.0.1:9/v1");

    private String ledgerUrl() {
        return "jdbc:sqlite:" + tmp.resolve("ledger.db");
    }

    private ApplicationContextRunner enabled() {
        return runner.withPropertyValues(
                "keel.spring.batch-queue.enabled=true",
                "keel.batch.ledger=" + ledgerUrl(),
                "keel.batch.run-dir=" + tmp.resolve("runs"),
                "keel.batch.queue.canary-percent=100");
    }

    static BatchTask task(String id) {
        return BatchTask.offline(BatchLine.post(
                id, "/v1/responses", Json.object().put("model", "gpt-4.1-mini").put("input", "summarise " + id)));
    }

    @Test
    void byDefault_noQueueAndNoLedger_soNoDatabaseIsOpened() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(BatchQueue.class)
                .doesNotHaveBean(Ledger.class));
    }

    @Test
    void enabled_maxItemsWaiting_flushesIntoARunPlannedInTheLedger() {
        enabled().withPropertyValues("keel.batch.max-items=2").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KeelBatchQueueTicker.class);
            BatchQueue queue = context.getBean(BatchQueue.class);
            Ledger ledger = context.getBean(Ledger.class);
            assertThat(queue.offer(task("a"))).isEqualTo(BatchQueue.Route.BATCH);
            assertThat(ledger.activeRuns()).isEmpty();
            queue.offer(task("b"));
            List<RunRecord> runs = ledger.activeRuns();
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).items()).isEqualTo(2);
            assertThat(runs.get(0).runDir())
                    .startsWith(tmp.resolve("runs").toAbsolutePath().toString());
            assertThat(Files.readAllLines(Path.of(runs.get(0).inputFile())))
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("\"url\":\"/v1/responses\""));
        });
    }

    @Test
    void theCanaryShare_keepsTasksOutsideItSynchronous() {
        enabled().withPropertyValues("keel.batch.queue.canary-percent=0").run(context -> {
            assertThat(context.getBean(BatchQueue.class).offer(task("x"))).isEqualTo(BatchQueue.Route.SYNC);
            assertThat(context.getBean(BatchQueue.class).size()).isZero();
        });
    }

    @Test
    void atShutdown_whatStillWaits_isPlannedInTheLedger() {
        enabled()
                .withPropertyValues("keel.batch.max-items=100", "keel.batch.queue.window=1h")
                .run(context -> {
                    context.getBean(BatchQueue.class).offer(task("late"));
                    assertThat(context.getBean(Ledger.class).activeRuns()).isEmpty();
                });
        // the context is closed: the ticker flushed the waiting task into the ledger
        List<RunRecord> runs = new Ledger(Database.open(ledgerUrl())).activeRuns();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).items()).isEqualTo(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnQueue {
        static final BatchQueue QUEUE =
                new BatchQueue(BatchQueueConfig.ofDefaults(), InstantSource.system(), lines -> {});

        @Bean
        BatchQueue myQueue() {
            return QUEUE;
        }
    }

    @Test
    void theApplicationsQueue_wins() {
        enabled()
                .withUserConfiguration(OwnQueue.class)
                .run(context -> assertThat(context.getBean(BatchQueue.class)).isSameAs(OwnQueue.QUEUE));
    }

    @Test
    void withoutKeelBatch_onTheClasspath_noQueue() {
        enabled()
                .withClassLoader(new FilteredClassLoader(BatchQueue.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BatchQueue.class));
    }

    @Test
    void aWindowOutOfRange_failsStartUp_namingTheKey() {
        enabled().withPropertyValues("keel.batch.queue.window=500ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("(keel.batch.queue.window): batch.queue.window: must be between 1s and 1d, was 500ms");
        });
    }

    @Test
    void aLedgerThatCannotBeOpened_failsStartUp_namingTheKey() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        enabled()
                .withPropertyValues("keel.batch.ledger=jdbc:sqlite:" + file.resolve("ledger.db"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("(keel.batch.ledger): batch.ledger: cannot create the folder for ledger");
                });
    }

    @Test
    void aLedgerOfAnotherDatabase_failsStartUp_namingTheKey() {
        enabled().withPropertyValues("keel.batch.ledger=jdbc:mysql://x/y").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains(
                            "(keel.batch.ledger): batch.ledger: must be jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB");
        });
    }
}
