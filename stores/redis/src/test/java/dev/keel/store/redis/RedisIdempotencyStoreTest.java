package dev.keel.store.redis;

import dev.keel.core.testing.IdempotencyStoreContract;
import java.nio.file.Path;
import java.time.InstantSource;

/** The store contract on the machine's real Redis, under a private key prefix deleted afterwards. */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    @Override
    protected Opened open(Path tmp, InstantSource clock) {
        var redis = TestRedis.withFreshPrefix();
        return new Opened(new RedisIdempotencyStore(redis.commands(), redis.prefix()), redis);
    }
}
