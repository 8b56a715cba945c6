package dev.keel.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;

/**
 * A private key prefix on the machine's real Redis (127.0.0.1:6379), for one test; {@link
 * #close()} deletes every key under it and closes the connection. Not thread-safe: one per test.
 */
public final class TestRedis implements AutoCloseable {

    /** Where {@code bin/test} makes sure Redis answers; override with {@code KEEL_TEST_REDIS_URL}. */
    public static final String SERVER_URL =
            System.getenv().getOrDefault("KEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final String prefix = "keel:t:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final RedisClient client = RedisClient.create(SERVER_URL);
    private final StatefulRedisConnection<String, String> connection;

    private TestRedis() {
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException(
                    "Redis is not reachable at " + SERVER_URL + " — run the tests with bin/test, which starts it ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    /** Connects and picks a fresh prefix. @throws IllegalStateException when Redis does not answer */
    public static TestRedis withFreshPrefix() {
        return new TestRedis();
    }

    /** The prefix every key of this test must start with, e.g. {@code keel:t:1a2b3c4d:}. */
    public String prefix() {
        return prefix;
    }

    /** Synchronous commands on the shared connection. */
    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** Deletes every key under the prefix, then disconnects. */
    @Override
    public void close() {
        try {
            var sync = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page =
                        sync.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    sync.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            connection.close();
            client.shutdown();
        }
    }
}
