package dev.keel.core.idempotency;

import dev.keel.core.testing.TestPostgres;
import dev.keel.core.testing.TestRedis;
import java.nio.file.Path;
import java.time.InstantSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Each store on its real backend, with its own isolation (schema, file, key prefix) and cleanup. */
enum StoreKind {
    MEMORY,
    SQLITE,
    POSTGRES,
    REDIS;

    /** A store and what to close after the test. */
    record Opened(IdempotencyStore store, AutoCloseable cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            cleanup.close();
        }
    }

    Opened open(Path tmp, InstantSource clock) {
        return switch (this) {
            case MEMORY -> new Opened(new MemoryIdempotencyStore(clock), () -> {});
            case SQLITE -> {
                var config = new SQLiteConfig();
                config.setJournalMode(SQLiteConfig.JournalMode.WAL);
                config.setBusyTimeout(10_000);
                var ds = new SQLiteDataSource(config);
                ds.setUrl("jdbc:sqlite:" + tmp.resolve("keel.db"));
                yield new Opened(new JdbcIdempotencyStore(ds, clock), () -> {});
            }
            case POSTGRES -> {
                var pg = TestPostgres.createSchema();
                var ds = new PGSimpleDataSource();
                ds.setUrl(pg.jdbcUrl());
                yield new Opened(new JdbcIdempotencyStore(ds, clock), pg);
            }
            case REDIS -> {
                var redis = TestRedis.withFreshPrefix();
                yield new Opened(new RedisIdempotencyStore(redis.commands(), redis.prefix()), redis);
            }
        };
    }
}
