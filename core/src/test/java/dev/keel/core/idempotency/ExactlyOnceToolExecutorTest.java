package dev.keel.core.idempotency;

import dev.keel.core.testing.IdempotencyStoreContract;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * Tool side effects happen exactly once per key on the in-memory store; the same contract runs on
 * SQLite and PostgreSQL in keel-store-jdbc and on Redis in keel-store-redis.
 */
class ExactlyOnceToolExecutorTest extends IdempotencyStoreContract {

    @Override
    protected Opened open(Path tmp, InstantSource clock) {
        return new Opened(new MemoryIdempotencyStore(clock), () -> {});
    }
}
