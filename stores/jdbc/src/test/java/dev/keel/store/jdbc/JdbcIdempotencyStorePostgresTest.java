package dev.keel.store.jdbc;

import dev.keel.core.testing.IdempotencyStoreContract;
import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import java.time.InstantSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The store contract on the machine's real PostgreSQL, in a private schema dropped afterwards. */
class JdbcIdempotencyStorePostgresTest extends IdempotencyStoreContract {

    @Override
    protected Opened open(Path tmp, InstantSource clock) {
        var pg = TestPostgres.createSchema();
        var ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl());
        return new Opened(new JdbcIdempotencyStore(ds, clock), pg);
    }
}
