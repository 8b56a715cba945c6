package dev.keel.springboot;

import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.store.jdbc.JdbcIdempotencyStore;
import dev.keel.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * Builds the durable stores; only loaded once the auto-configuration checked their artifact is on the
 * classpath, so keel-store-jdbc and keel-store-redis stay optional.
 */
final class Stores {

    /** Every key keel writes to Redis starts with this. */
    static final String REDIS_PREFIX = "keel:";

    private Stores() {}

    static IdempotencyStore jdbc(DataSource dataSource) {
        return new JdbcIdempotencyStore(dataSource, InstantSource.system());
    }

    /** On a client and connection of keel's own, both closed with the context. */
    static IdempotencyStore redis(String url) {
        RedisClient client = RedisClient.create(url);
        return new ClosingRedisStore(client.connect(), client);
    }

    /** On one connection of the application's own Lettuce client; the connection closes with the context, the client stays the application's. */
    static IdempotencyStore redis(RedisClient applicationClient) {
        return new ClosingRedisStore(applicationClient.connect(), null);
    }

    /** On the application's Spring Data {@code RedisConnectionFactory}; nothing of keel's to close. */
    static IdempotencyStore redis(org.springframework.data.redis.connection.RedisConnectionFactory factory) {
        return new RedisIdempotencyStore(new SpringDataRedisCommands(factory), REDIS_PREFIX);
    }

    /** The Redis store with the connection (and client, when keel made it) it runs on, closed with the context. */
    static final class ClosingRedisStore implements IdempotencyStore, AutoCloseable {
        private final RedisIdempotencyStore inner;
        private final StatefulRedisConnection<String, String> connection;
        private final RedisClient ownClient;

        ClosingRedisStore(StatefulRedisConnection<String, String> connection, RedisClient ownClient) {
            this.inner = new RedisIdempotencyStore(connection.sync(), REDIS_PREFIX);
            this.connection = connection;
            this.ownClient = ownClient;
        }

        @Override
        public Claim claim(IdempotencyKey key, Duration ttl) {
            return inner.claim(key, ttl);
        }

        @Override
        public boolean complete(IdempotencyKey key, String token, String result, Duration ttl) {
            return inner.complete(key, token, result, ttl);
        }

        @Override
        public void release(IdempotencyKey key, String token) {
            inner.release(key, token);
        }

        /** Whether keel made the client (a Redis URL) rather than borrowing the application's. */
        boolean ownsClient() {
            return ownClient != null;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } finally {
                if (ownClient != null) {
                    ownClient.shutdown();
                }
            }
        }
    }
}
