package dev.keel.springboot;

import dev.keel.store.redis.RedisIdempotencyStore;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The idempotency store's Redis commands over the application's own {@link RedisConnectionFactory}
 * (Spring Data Redis, Lettuce or Jedis): keel borrows connections from the application's pool or
 * shares its native connection, and never opens a client of its own. Only loaded when Spring Data
 * Redis is on the classpath. Thread-safe.
 */
final class SpringDataRedisCommands implements RedisIdempotencyStore.Commands {

    private final StringRedisTemplate redis;

    SpringDataRedisCommands(RedisConnectionFactory factory) {
        this.redis = new StringRedisTemplate(factory);
    }

    @Override
    public boolean setIfAbsent(String key, String value, long ttlMillis) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, value, Duration.ofMillis(ttlMillis)));
    }

    @Override
    public String get(String key) {
        return redis.opsForValue().get(key);
    }

    @Override
    public long eval(String script, String key, String... args) {
        RedisScript<Long> s = new DefaultRedisScript<>(script, Long.class);
        Long r = redis.execute(s, List.of(key), (Object[]) args);
        return r == null ? 0 : r;
    }
}
