package dev.keel.springboot;

import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.store.jdbc.JdbcIdempotencyStore;
import dev.keel.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * Builds the durable stores; only loaded once the auto-configuration checked their artifact is on the
 * classpath, so keel-store-jdbc and keel-store-redis stay optional.
 */
final class Stores {

    private Stores() {}

    static IdempotencyStore jdbc(DataSource dataSource) {
        return new JdbcIdempotencyStore(dataSource, InstantSource.system());
    }

    static IdempotencyStore redis(String url) {
        RedisClient client = RedisClient.create(url);
        StatefulRedisConnection<String, String> connection = client.connect();
        return new ClosingRedisStore(new RedisIdempotencyStore(connection.sync(), "keel:"), connection, client);
    }

    /** The Redis store with the connection keel opened for it, closed with the context. */
    record ClosingRedisStore(
            RedisIdempotencyStore inner, StatefulRedisConnection<String, String> connection, RedisClient client)
            implements IdempotencyStore, AutoCloseable {
        @Override
        public Claim claim(dev.keel.core.idempotency.IdempotencyKey key, java.time.Duration ttl) {
            return inner.claim(key, ttl);
        }

        @Override
        public boolean complete(
                dev.keel.core.idempotency.IdempotencyKey key, String token, String result, java.time.Duration ttl) {
            return inner.complete(key, token, result, ttl);
        }

        @Override
        public void release(dev.keel.core.idempotency.IdempotencyKey key, String token) {
            inner.release(key, token);
        }

        @Override
        public void close() {
            try {
                connection.close();
            } finally {
                client.shutdown();
            }
        }
    }
}
