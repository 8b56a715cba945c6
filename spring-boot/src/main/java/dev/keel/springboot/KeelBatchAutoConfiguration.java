package dev.keel.springboot;

import dev.keel.batch.BatchQueue;
import dev.keel.batch.BatchQueueConfig;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.config.ConfigException;
import dev.keel.config.ConfigProblem;
import dev.keel.config.KeelConfig;
import dev.keel.config.Setting;
import dev.keel.config.Settings;
import dev.keel.core.cost.PriceTable;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * A service's batch path, when keel-batch is on the classpath and {@code
 * keel.spring.batch-queue.enabled=true} (off by default: it opens a ledger at start-up): the batch
 * {@link Ledger} of {@code keel.batch.ledger} ({@code jdbc:sqlite:PATH} or {@code
 * jdbc:postgresql://…}, migrated on open), a {@link BatchQueue} that flushes when {@code
 * keel.batch.max-items} tasks wait or the oldest has waited {@code keel.batch.queue.window}, taking the
 * sticky {@code keel.batch.queue.canary-percent} share of offline-safe tasks, and plans each flush as
 * a run in that ledger under {@code keel.batch.run-dir} (priced with {@code keel.prices.file}) for
 * {@code keel batch worker} to submit; and a {@link KeelBatchQueueTicker} that closes windows without
 * new traffic and flushes what waits at shutdown. Each yields to the application's bean of its type.
 */
@AutoConfiguration(after = KeelAutoConfiguration.class)
@ConditionalOnClass(name = "dev.keel.batch.BatchQueue")
@ConditionalOnBooleanProperty(name = "keel.spring.batch-queue.enabled")
public class KeelBatchAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Ledger keelBatchLedger(KeelConfig config) {
        try {
            return new Ledger(Database.open(config.get(Settings.BATCH_LEDGER)));
        } catch (IllegalArgumentException e) {
            throw problem(config, Settings.BATCH_LEDGER, e.getMessage());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public BatchQueue keelBatchQueue(KeelConfig config, Ledger ledger) {
        var queue = new BatchQueueConfig(
                config.get(Settings.BATCH_MAX_ITEMS),
                config.get(Settings.BATCH_QUEUE_WINDOW),
                config.get(Settings.BATCH_QUEUE_CANARY));
        Clock clock = Clock.systemUTC();
        var flusher = new LedgerFlusher(
                ledger, config.planConfig(), prices(config), config.get(Settings.BATCH_RUN_DIR), clock);
        return new BatchQueue(queue, clock, flusher);
    }

    private static PriceTable prices(KeelConfig config) {
        if (config.pricesFile() == null) {
            return PriceTable.builtIn();
        }
        try {
            return PriceTable.load(config.pricesFile());
        } catch (IllegalArgumentException e) {
            throw problem(config, Settings.PRICES_FILE, e.getMessage());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public KeelBatchQueueTicker keelBatchQueueTicker(BatchQueue queue) {
        return KeelBatchQueueTicker.start(queue, KeelBatchQueueTicker.EVERY);
    }

    private static ConfigException problem(KeelConfig config, Setting<?> key, String message) {
        return new ConfigException(List.of(new ConfigProblem(config.origin(key), key.key(), message)));
    }
}
