package dev.keel.store.jdbc;

import dev.keel.core.testing.IdempotencyStoreContract;
import java.nio.file.Path;
import java.time.InstantSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The store contract on a real SQLite file in WAL mode, migrated by Flyway from {@code db/keel}. */
class JdbcIdempotencyStoreSqliteTest extends IdempotencyStoreContract {

    @Override
    protected Opened open(Path tmp, InstantSource clock) {
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(10_000);
        var ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + tmp.resolve("keel.db"));
        return new Opened(new JdbcIdempotencyStore(ds, clock), () -> {});
    }
}
